using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatMonolith.Client;
using ChatMonolith.Client.Storage;
using Spectre.Console;

namespace ChatMonolith.Cli;

/// <summary>What every command shares: the server, the stored session of a profile, and how to print.</summary>
internal sealed class Cli(ParseResult parse)
{
    public static readonly Option<Uri> ServerOption = new("--server")
    {
        Description = "The server's native gRPC address (or CHAT_SERVER)",
        Recursive = true,
        DefaultValueFactory = result => ParseServer(result, Environment.GetEnvironmentVariable("CHAT_SERVER") is { Length: > 0 } server ? server : "http://127.0.0.1:5080")!,
        CustomParser = result => ParseServer(result, result.Tokens[^1].Value),
    };

    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print machine-readable JSON, one object per line",
        Recursive = true,
    };

    public static readonly Option<string> ProfileOption = new("--profile")
    {
        Description = "A name for this session, so that two users can be signed in on one machine (or CHAT_PROFILE)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CHAT_PROFILE") is { Length: > 0 } profile ? profile : "default",
    };

    /// <summary>How --json prints: snake_case names and enum values, as the protos spell them; nulls left out.</summary>
    public static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public bool Json => parse.GetValue(JsonOption);

    public Uri Server => parse.GetValue(ServerOption)!;

    /// <summary>The profile's folder under the user's config folder: one per server and profile, private to the user.</summary>
    public string StateFolder
    {
        get
        {
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
                ? xdg
                : Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create);
            var server = $"{Server.Host}_{Server.Port}";
            var profile = string.Concat(parse.GetValue(ProfileOption)!.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
            return Path.Combine(config, "chatmonolith", server, profile);
        }
    }

    /// <summary>An http:// or https:// address, or a parse error that says what is wrong with it.</summary>
    private static Uri? ParseServer(System.CommandLine.Parsing.ArgumentResult result, string text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri;
        }

        result.AddError($"The server's address \"{text}\" is not an http:// or https:// address, such as http://127.0.0.1:5080.");
        return null;
    }

    public ChatClientOptions Options()
    {
        var options = ChatClientOptions.For(Server);
        options.Store = new FileChatClientStore(StateFolder);
        options.DeviceName = $"chat CLI on {Environment.MachineName}";
        options.Platform = Platform.Desktop;
        return options;
    }

    public Task<ChatClient> ResumeAsync(CancellationToken cancellationToken) => ChatClient.ResumeAsync(Options(), cancellationToken);

    /// <summary>Prints a result: as JSON with --json, else through <paramref name="human"/>.</summary>
    public void Print<T>(T value, Action<T> human)
    {
        if (Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOutput));
        }
        else
        {
            human(value);
        }
    }

    /// <summary>The password: --password, else a hidden prompt on a terminal, else the first line of stdin.</summary>
    public static string Password(string? given)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        if (!Console.IsInputRedirected)
        {
            return AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
        }

        return Console.In.ReadLine() ?? "";
    }

    /// <summary>
    /// A conversation named on the command line: its id, <c>#title</c> for one of the user's groups, or a username
    /// for the direct chat with them (opened on first use).
    /// </summary>
    public static async Task<Conversation> FindConversationAsync(ChatClient client, string name, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(name, out _))
        {
            return await client.GetConversationAsync(name, cancellationToken);
        }

        if (name.StartsWith('#'))
        {
            var title = name[1..];
            string? cursor = null;
            do
            {
                var page = await client.ListConversationsAsync(100, cursor, cancellationToken);
                if (page.Conversations.FirstOrDefault(c => c.Kind == ConversationKind.Group && string.Equals(c.Title, title, StringComparison.OrdinalIgnoreCase)) is { } group)
                {
                    return group;
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
            throw new ChatException(Grpc.Core.StatusCode.NotFound, "GROUP_NOT_FOUND", $"You are in no group called \"{title}\".");
        }

        var user = await FindUserAsync(client, name, cancellationToken);
        return await client.OpenDirectChatAsync(user.UserId, cancellationToken);
    }

    public static async Task<ChatMonolith.Client.Profile> FindUserAsync(ChatClient client, string username, CancellationToken cancellationToken)
    {
        var wanted = username.TrimStart('@').ToLowerInvariant();
        var found = await client.SearchUsersAsync(wanted, 5, cancellationToken);
        return found.FirstOrDefault(u => u.Username == wanted)
            ?? throw new ChatException(Grpc.Core.StatusCode.NotFound, "USER_NOT_FOUND", $"Nobody is called \"{wanted}\".");
    }

    /// <summary>A server reason in words a person reads; the reason itself for one this client does not know.</summary>
    public static string Words(ChatException e) => e.Reason switch
    {
        "INVALID_CREDENTIALS" => "Wrong username or password.",
        "USERNAME_TAKEN" => "That username is taken.",
        "NOT_SIGNED_IN" => "You are not logged in: run `chat login <username>` first.",
        "TOKEN_EXPIRED" or "TOKEN_INVALID" or "DEVICE_REVOKED" or "REFRESH_TOKEN_REUSED" or "REFRESH_TOKEN_EXPIRED" or "REFRESH_TOKEN_INVALID"
            => "Your session has ended: log in again.",
        "CONVERSATION_NOT_FOUND" => "No such conversation.",
        "NOT_A_MEMBER" => "You are not a member of this conversation.",
        "NOT_AN_ADMIN" => "Only the group's admins can do that.",
        "NOT_A_GROUP" => "That is a direct chat, not a group.",
        "LAST_ADMIN" => "You are the group's last admin: make someone else an admin first.",
        "GROUP_FULL" => "The group is full.",
        "ALREADY_MEMBERS" => "They are members already.",
        "MEMBER_NOT_FOUND" => "They are not a member of the group.",
        "GROUP_CREATION_RATE_LIMITED" => $"You created many groups lately; try again in {e.RetryAfter?.TotalMinutes:0} min.",
        "SEND_RATE_LIMITED" => $"You are sending too fast; try again in {e.RetryAfter?.TotalSeconds:0} s.",
        "LOGIN_RATE_LIMITED" or "REGISTRATION_RATE_LIMITED" => $"Too many attempts; try again in {e.RetryAfter?.TotalSeconds:0} s.",
        "TOO_MANY_DEVICES" => "You are signed in on too many devices: revoke one with `chat devices revoke <id>`.",
        "" when e.Code == Grpc.Core.StatusCode.Unavailable => "The server cannot be reached.",
        _ => e.InvalidFields.Count > 0 ? $"{e.Message} ({string.Join(", ", e.InvalidFields)})" : e.Message,
    };
}
