namespace ChatMonolith.Modules.Messaging;

/// <summary>Settings of the Messaging module, section <c>Messaging</c>.</summary>
internal sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>Members of a group at most, its creator included.</summary>
    public int MaxGroupSize { get; set; } = 256;

    /// <summary>Events waiting for one device's stream; a device that falls this far behind is disconnected.</summary>
    public int OutboundQueueCapacity { get; set; } = 1024;

    /// <summary>Messages read from the database per query while catching a device up.</summary>
    public int CatchUpPageSize { get; set; } = 200;
}
