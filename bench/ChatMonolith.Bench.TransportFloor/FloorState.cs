using System.Collections.Concurrent;
using System.Collections.Immutable;
using Grpc.Core;

namespace ChatMonolith.Bench.TransportFloor;

/// <summary>Users, conversations and open streams, in memory only.</summary>
internal sealed class FloorState
{
    public ConcurrentDictionary<string, string> UserIds { get; } = new();

    public ConcurrentDictionary<string, FloorConversation> Conversations { get; } = new();

    public ConcurrentDictionary<string, ImmutableList<FloorSession>> SessionsByUser { get; } = new();

    /// <summary>The access token is the user id: this server checks nothing.</summary>
    public static string Caller(ServerCallContext context) =>
        context.RequestHeaders.GetValue("authorization")?.Replace("Bearer ", "", StringComparison.Ordinal)
        ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "no token"));

    public void Register(FloorSession session) =>
        SessionsByUser.AddOrUpdate(session.UserId, _ => [session], (_, sessions) => sessions.Add(session));

    public void Unregister(FloorSession session) =>
        SessionsByUser.AddOrUpdate(session.UserId, _ => [], (_, sessions) => sessions.Remove(session));
}

/// <summary>A conversation's members and its last seq; a send takes the next seq under the conversation's lock.</summary>
internal sealed class FloorConversation(string id, IReadOnlyList<string> memberIds)
{
    public string Id { get; } = id;

    public IReadOnlyList<string> MemberIds { get; } = memberIds;

    public Lock Lock { get; } = new();

    /// <summary>Seq 1 is the conversation's creation, as on the host.</summary>
    public long LastSeq { get; set; } = 1;
}
