namespace ChatMonolith.BuildingBlocks.Security;

/// <summary>
/// A password, token or key carried in a message or result. Its <see cref="ToString"/> is a mask, so that a record
/// that holds one (logged by Wolverine when its handler fails, or by anyone who logs the record) never shows it.
/// Read <see cref="Reveal"/> only where the value is used: hashing, verifying, signing, or writing the answer.
/// </summary>
public readonly struct Secret : IEquatable<Secret>
{
    private readonly string? _value;

    public Secret(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>Whether the secret is empty (also true of <c>default</c>).</summary>
    public bool IsEmpty => string.IsNullOrEmpty(_value);

    /// <summary>The secret itself.</summary>
    public string Reveal() => _value ?? "";

    public override string ToString() => "[secret]";

    public bool Equals(Secret other) => string.Equals(_value ?? "", other._value ?? "", StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Secret other && Equals(other);

    public override int GetHashCode() => (_value ?? "").GetHashCode(StringComparison.Ordinal);

    public static bool operator ==(Secret left, Secret right) => left.Equals(right);

    public static bool operator !=(Secret left, Secret right) => !left.Equals(right);
}
