namespace ChatMonolith.BuildingBlocks.Errors;

/// <summary>Collects field violations of one request and throws them together.</summary>
public sealed class Validator
{
    private readonly List<FieldViolation> _violations = [];

    /// <summary>Records a violation of <paramref name="field"/> unless <paramref name="condition"/> holds.</summary>
    public Validator Require(bool condition, string field, string description)
    {
        if (!condition)
        {
            _violations.Add(new FieldViolation(field, description));
        }

        return this;
    }

    /// <summary>Parses a UUID field, recording a violation when it is missing or malformed.</summary>
    public Guid Uuid(string value, string field)
    {
        if (Guid.TryParse(value, out var id) && id != Guid.Empty)
        {
            return id;
        }

        _violations.Add(new FieldViolation(field, "must be a UUID"));
        return Guid.Empty;
    }

    /// <summary>Runs <paramref name="parse"/> on a new validator and throws its violations, if any; else returns what it parsed.</summary>
    public static T Parse<T>(Func<Validator, T> parse)
    {
        var validator = new Validator();
        var parsed = parse(validator);
        validator.ThrowIfInvalid();
        return parsed;
    }

    /// <summary>Throws INVALID_ARGUMENT with every recorded violation, if there are any.</summary>
    public void ThrowIfInvalid()
    {
        if (_violations.Count > 0)
        {
            throw ChatException.InvalidArgument(_violations);
        }
    }
}
