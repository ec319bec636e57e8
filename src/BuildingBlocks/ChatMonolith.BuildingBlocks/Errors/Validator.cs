using System.Text;
using ChatMonolith.BuildingBlocks.Text;

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

    /// <summary>
    /// How many UTF-8 bytes a name may take per text element of its limit; its column holds that many (PostgreSQL's
    /// varchar counts code points, never more than bytes). A name of plain emoji (4 bytes each) fits at full length;
    /// one of 64 family emoji (25 bytes each) is refused for its bytes, with a message that says so.
    /// </summary>
    public const int NameBytesPerTextElement = 8;

    /// <summary>
    /// A name people read (a display name, a group title, a device name), trimmed. Its length counts what a reader
    /// sees, text elements, not UTF-16 units. Control characters are refused (NUL among them, which PostgreSQL cannot
    /// store), and so is more than <see cref="NameBytesPerTextElement"/> bytes of UTF-8 per element of the limit.
    /// </summary>
    /// <returns>The trimmed name; when it was refused, what it was.</returns>
    public string Name(string value, string field, int maxLength, bool required = true)
    {
        var name = value.Trim();
        if (TextElements.HasControlOrBrokenCharacters(name))
        {
            _violations.Add(new FieldViolation(field, "must not contain control characters (such as NUL, U+0000) or broken surrogate pairs"));
        }
        else if (required && name.Length == 0)
        {
            _violations.Add(new FieldViolation(field, "is required"));
        }
        else if (TextElements.Count(name) > maxLength)
        {
            _violations.Add(new FieldViolation(field, $"must be at most {maxLength} characters"));
        }
        else if (Encoding.UTF8.GetByteCount(name) > maxLength * NameBytesPerTextElement)
        {
            _violations.Add(new FieldViolation(field, $"must be at most {maxLength * NameBytesPerTextElement} bytes of UTF-8"));
        }

        return name;
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
