using System.Globalization;
using System.Text.Json;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>
/// What one push says, whatever the provider. Every push names its conversation and newest seq, so that the app opens
/// the right chat and catches up; <see cref="Title"/> and <see cref="Body"/> are empty when the deployment's payload is
/// content-free, and for a clear. <see cref="Badge"/> is null only for a clear whose count never came: the app's
/// badge is then left as it is.
/// </summary>
internal sealed record PushContent(PushContentKind Kind, Guid ConversationId, long Seq, long Unread, long? Badge, string Title, string Body)
{
    /// <summary>The conversation, as the collapse key, thread id or topic that makes a burst one notification.</summary>
    public string CollapseKey => ConversationId.ToString("N");

    /// <summary>The payload's <c>type</c>: <c>message</c> or <c>clear</c>.</summary>
    public string Type => Kind == PushContentKind.Message ? "message" : "clear";

    /// <summary>The fields an app reads, as strings (FCM's data map takes nothing else).</summary>
    public Dictionary<string, string> Data()
    {
        var data = new Dictionary<string, string>
        {
            ["type"] = Type,
            ["conversation_id"] = ConversationId.ToString(),
            ["seq"] = Seq.ToString(CultureInfo.InvariantCulture),
            ["unread"] = Unread.ToString(CultureInfo.InvariantCulture),
        };
        if (Badge is { } badge)
        {
            data["badge"] = badge.ToString(CultureInfo.InvariantCulture);
        }

        return data;
    }

    /// <summary>The same as JSON, with the title and text when there are any: a Web Push payload.</summary>
    public string Json()
    {
        var json = new Dictionary<string, object>
        {
            ["type"] = Type,
            ["conversation_id"] = ConversationId.ToString(),
            ["seq"] = Seq,
            ["unread"] = Unread,
        };
        if (Badge is { } badge)
        {
            json["badge"] = badge;
        }

        if (Title.Length > 0)
        {
            json["title"] = Title;
        }

        if (Body.Length > 0)
        {
            json["body"] = Body;
        }

        return JsonSerializer.Serialize(json);
    }
}

internal enum PushContentKind
{
    Message,
    Clear,
}
