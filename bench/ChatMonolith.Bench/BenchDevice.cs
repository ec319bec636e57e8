using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace ChatMonolith.Bench;

/// <summary>A simulated phone: a user, its signed-in device, and the channel it talks on.</summary>
internal sealed class BenchDevice(string userId, string username, Metadata auth, GrpcChannel channel)
{
    public const string Password = "bench password 123";

    public string UserId { get; } = userId;

    public string Username { get; } = username;

    public Metadata Auth { get; } = auth;

    public GrpcChannel Channel { get; } = channel;

    public string ConversationId { get; set; } = "";

    /// <summary>The highest seq of its conversation this device has received (the direct chat starts at 1).</summary>
    public long LastSeq { get; set; } = 1;

    /// <summary>Registers <paramref name="count"/> users and signs each in on one device (the untimed setup).</summary>
    public static async Task<List<BenchDevice>> RegisterAsync(Uri target, int count, Func<int, GrpcChannel> channelFor)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = new BenchDevice[count];
        using var setup = GrpcChannel.ForAddress(target);
        var identity = new IdentityService.IdentityServiceClient(setup);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var username = $"bench_{run}_{i}";
            await identity.RegisterAsync(new RegisterRequest { Username = username, Password = Password }, cancellationToken: ct);
            var login = await identity.LoginAsync(new LoginRequest { Username = username, Password = Password, DeviceName = "bench", Platform = Platform.Android }, cancellationToken: ct);
            devices[i] = new BenchDevice(login.UserId, username, new Metadata { { "authorization", "Bearer " + login.Tokens.AccessToken } }, channelFor(i));
        });

        return [.. devices];
    }

    /// <summary>Registers the users and pairs them up in direct chats (the untimed setup of <c>direct</c>).</summary>
    public static async Task<List<BenchDevice>> SetUpAsync(BenchOptions options, Func<int, GrpcChannel> channelFor)
    {
        var devices = await RegisterAsync(options.Target, options.Users, channelFor);
        using var setup = GrpcChannel.ForAddress(options.Target);
        var conversations = new ConversationService.ConversationServiceClient(setup);
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Users / 2), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pair, ct) =>
        {
            var (a, b) = (devices[2 * pair], devices[(2 * pair) + 1]);
            var chat = await conversations.OpenDirectChatAsync(new OpenDirectChatRequest { UserId = b.UserId }, a.Auth, cancellationToken: ct);
            a.ConversationId = b.ConversationId = chat.Conversation.ConversationId;
        });

        return devices;
    }
}
