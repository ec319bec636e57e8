using ChatMonolith.BuildingBlocks.Errors;
using Google.Protobuf.WellKnownTypes;

namespace ChatMonolith.BuildingBlocks.Grpc;

/// <summary>Optional instants on the wire.</summary>
public static class ProtoTime
{
    /// <summary>The instant as a protobuf <see cref="Timestamp"/>, or null (the field left unset) when there is none.</summary>
    public static Timestamp? From(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;

    /// <summary>A timestamp a client sent, or INVALID_ARGUMENT naming <paramref name="field"/> when it is not a valid instant.</summary>
    public static DateTimeOffset ToDateTimeOffset(Timestamp timestamp, string field)
    {
        // Timestamp's own range: 0001-01-01 to 9999-12-31, nanos 0 to 999,999,999.
        if (timestamp.Seconds is < -62_135_596_800 or > 253_402_300_799 || timestamp.Nanos is < 0 or > 999_999_999)
        {
            throw ChatException.InvalidArgument([new FieldViolation(field, "must be a valid timestamp")]);
        }

        return timestamp.ToDateTimeOffset();
    }
}
