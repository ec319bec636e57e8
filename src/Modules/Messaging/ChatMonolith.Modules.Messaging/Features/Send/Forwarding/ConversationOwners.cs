using System.Text;
using ChatMonolith.Modules.Messaging.Delivery.Routing;

namespace ChatMonolith.Modules.Messaging.Features.Send.Forwarding;

/// <summary>
/// Which host writes each conversation (docs/adr/0021): of the hosts whose lease ran at the last renewal, the one that
/// scores highest for the conversation (rendezvous hashing), so that a host joining or leaving moves only its own
/// share. Every host computes the same owner from the same list; while two lists differ (for up to a renewal), a
/// conversation may be written by two hosts, which its row lock keeps correct, only slower.
/// </summary>
internal sealed class ConversationOwners(RedisRoutes routes, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _unreachable = [];
    private volatile ScoredHosts _hosts = new([], []);

    /// <summary>The host that writes the conversation, or null when this one does (or it is alone, or cut off from Redis).</summary>
    public string? OwnerOf(Guid conversationId)
    {
        if (!routes.PeersAlive || !routes.IsConnected)
        {
            return null;
        }

        var hosts = Current();
        if (hosts.Length < 2)
        {
            return null;
        }

        var key = ScoreOf(conversationId);
        var (owner, best) = (hosts[0].Host, 0UL);
        foreach (var (host, score) in hosts)
        {
            var mixed = Mix(key ^ score);
            if (mixed >= best)
            {
                (owner, best) = (host, mixed);
            }
        }

        return owner == routes.HostId || IsUnreachable(owner) ? null : owner;
    }

    /// <summary>
    /// A host that did not answer a forwarded send in time: this one writes its conversations itself until
    /// <paramref name="until"/> (by then a dead host's lease has lapsed and it is off the list).
    /// </summary>
    public void MarkUnreachable(string hostId, DateTimeOffset until)
    {
        lock (_gate)
        {
            _unreachable[hostId] = until;
        }
    }

    private bool IsUnreachable(string hostId)
    {
        lock (_gate)
        {
            if (_unreachable.Count == 0 || !_unreachable.TryGetValue(hostId, out var until))
            {
                return false;
            }

            if (until > clock.GetUtcNow())
            {
                return true;
            }

            _unreachable.Remove(hostId);
            return false;
        }
    }

    private (string Host, ulong Score)[] Current()
    {
        var listed = routes.LiveHosts;
        var hosts = _hosts;
        if (ReferenceEquals(hosts.Listed, listed))
        {
            return hosts.Hosts;
        }

        var scored = listed.Select(h => (h, Fnv1a(h))).ToArray();
        _hosts = new ScoredHosts(listed, scored);
        return scored;
    }

    /// <summary>A renewal's list of hosts with each one's score, swapped whole when the list changes.</summary>
    private sealed record ScoredHosts(IReadOnlyList<string> Listed, (string Host, ulong Score)[] Hosts);

    private static ulong ScoreOf(Guid conversationId)
    {
        Span<byte> bytes = stackalloc byte[16];
        conversationId.TryWriteBytes(bytes);
        return Mix(BitConverter.ToUInt64(bytes[..8]) ^ Mix(BitConverter.ToUInt64(bytes[8..])));
    }

    /// <summary>FNV-1a: the same on every host and in every process (string hash codes are randomized per process).</summary>
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>SplitMix64's finalizer: every bit of the input moves about half the bits of the output.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
