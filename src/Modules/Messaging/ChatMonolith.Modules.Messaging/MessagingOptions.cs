using System.ComponentModel.DataAnnotations;

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

    /// <summary>
    /// Transactions that write sends at the same time (group commit); each writes the conversations whose ids fall to it
    /// and takes what has queued for them meanwhile.
    /// </summary>
    public int SendWriters { get; set; } = 2;

    /// <summary>Sends in one transaction at most.</summary>
    public int MaxSendBatch { get; set; } = 256;

    /// <summary>Sends waiting for a transaction at most, shared by the writers; beyond it, senders wait before they are queued.</summary>
    public int SendQueueCapacity { get; set; } = 8192;

    /// <summary>
    /// Sends of one stream that may wait for their commit at once; the stream reads the next request meanwhile, and
    /// stops reading while this many are unanswered.
    /// </summary>
    public int MaxSendsInFlightPerStream { get; set; } = 64;

    /// <summary>
    /// The engine the messages live on: <c>Citus</c> makes every hot statement touch one shard, <c>PostgreSql</c> lets
    /// one statement cover many conversations; <c>Auto</c> asks the database (<see cref="Data.MessagingDatabase"/>).
    /// </summary>
    public Data.MessagingDatabaseKind Database { get; set; } = Data.MessagingDatabaseKind.Auto;

    /// <summary>
    /// How long an entry that arrives past a gap waits for the missing ones to arrive live (from another host, say)
    /// before the gap is read from the database; zero reads it at once.
    /// </summary>
    public TimeSpan ReorderWait { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Whether a host forwards each send to the host that writes its conversation (docs/adr/0021), rather than writing
    /// it itself beside the others. Off, every host writes every send it takes (correct, and slower across hosts).
    /// </summary>
    public bool ForwardSends { get; set; } = true;

    /// <summary>
    /// How long a forwarded send waits for its owner's answer before this host writes it itself (and writes that
    /// owner's conversations itself for a <see cref="HostLease"/>).
    /// </summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a host renews its lease and probes its own pub/sub subscription through Redis.</summary>
    public TimeSpan RoutingProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A probe that does not come back within this finds the subscription silently dead; it is replaced.</summary>
    public TimeSpan RoutingProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a host's streams count as live after its last lease renewal: a killed host's devices are offline for
    /// <see cref="Contracts.Delivery.FindLiveDevices"/> within this. A few probe intervals.
    /// </summary>
    public TimeSpan HostLease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Sends a user may make per <see cref="SendsPerUserWindow"/>, across all hosts (Redis; each host counts for itself
    /// while Redis is away). The seed's 100 a minute. 0 turns the limit off. A resend of a stored message counts too.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int SendsPerUser { get; set; } = 100;

    public TimeSpan SendsPerUserWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Permits a host takes from Redis at a time for one user and spends itself: a busy sender costs one Redis call per
    /// lease. Up to a lease less than the limit may go unused when one user sends through two hosts at once.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int SendsPerUserLease { get; set; } = 10;

    /// <summary>Groups one user may create per <see cref="GroupCreationWindow"/>, across hosts. 0 turns the limit off.</summary>
    [Range(0, int.MaxValue)]
    public int GroupCreationsPerUser { get; set; } = 20;

    public TimeSpan GroupCreationWindow { get; set; } = TimeSpan.FromHours(1);
}
