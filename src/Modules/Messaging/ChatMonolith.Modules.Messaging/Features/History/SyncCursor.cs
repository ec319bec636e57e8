using System.Buffers.Binary;
using System.Buffers.Text;

namespace ChatMonolith.Modules.Messaging.Features.History;

/// <summary>An opaque sync cursor: for each conversation, the highest seq the device has.</summary>
internal static class SyncCursor
{
    private const int EntrySize = 24;

    public static string Encode(IReadOnlyDictionary<Guid, long> seqs)
    {
        var bytes = new byte[seqs.Count * EntrySize];
        var offset = 0;
        foreach (var (conversationId, seq) in seqs.OrderBy(s => s.Key))
        {
            conversationId.TryWriteBytes(bytes.AsSpan(offset, 16), bigEndian: true, out _);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(offset + 16, 8), seq);
            offset += EntrySize;
        }

        return Base64Url.EncodeToString(bytes);
    }

    public static Dictionary<Guid, long>? Decode(string cursor)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length % EntrySize != 0)
        {
            return null;
        }

        var seqs = new Dictionary<Guid, long>();
        for (var offset = 0; offset < bytes.Length; offset += EntrySize)
        {
            seqs[new Guid(bytes.AsSpan(offset, 16), bigEndian: true)] = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(offset + 16, 8));
        }

        return seqs;
    }
}
