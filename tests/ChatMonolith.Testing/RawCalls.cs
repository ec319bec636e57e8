using Grpc.Core;

namespace ChatMonolith.Testing;

/// <summary>Calls that send bytes as they are, for requests no generated client would encode (broken, or fuzzed).</summary>
public static class RawCalls
{
    public static readonly Marshaller<byte[]> Bytes = Marshallers.Create<byte[]>(b => b, b => b);

    public static Method<byte[], byte[]> Method(MethodType type, string service, string name) => new(type, service, name, Bytes, Bytes);
}
