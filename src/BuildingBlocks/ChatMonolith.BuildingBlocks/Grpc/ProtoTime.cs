using Google.Protobuf.WellKnownTypes;

namespace ChatMonolith.BuildingBlocks.Grpc;

/// <summary>Optional instants on the wire.</summary>
public static class ProtoTime
{
    /// <summary>The instant as a protobuf <see cref="Timestamp"/>, or null (the field left unset) when there is none.</summary>
    public static Timestamp? From(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
