using Grpc.Core;

namespace ChatMonolith.BuildingBlocks.Errors;

/// <summary>
/// A failure that the caller can act on. The gRPC error interceptor turns it into a status with
/// <c>google.rpc.ErrorInfo</c> (the <see cref="Reason"/>) and, for validation, <c>google.rpc.BadRequest</c> details.
/// </summary>
public sealed class ChatException : Exception
{
    private ChatException(StatusCode code, string reason, string message, IReadOnlyList<FieldViolation> violations, TimeSpan? retryAfter = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        FieldViolations = violations;
        RetryAfter = retryAfter;
    }

    /// <summary>When the same request may succeed, sent as <c>google.rpc.RetryInfo</c>; set by limits and outages.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The canonical gRPC status code.</summary>
    public StatusCode Code { get; }

    /// <summary>A stable, UPPER_SNAKE_CASE reason that clients may switch on.</summary>
    public string Reason { get; }

    /// <summary>The invalid fields, for <see cref="StatusCode.InvalidArgument"/>.</summary>
    public IReadOnlyList<FieldViolation> FieldViolations { get; }

    /// <summary>The request is malformed; <paramref name="violations"/> says which fields and why.</summary>
    public static ChatException InvalidArgument(IReadOnlyList<FieldViolation> violations)
    {
        // An answer stays small whatever the request: a status travels in a header, and clients limit those (64 KiB).
        var shown = violations.Count > MaxViolations ? [.. violations.Take(MaxViolations)] : violations;
        var more = violations.Count > MaxViolations ? $"; and {violations.Count - MaxViolations} more" : "";
        return new(StatusCode.InvalidArgument, "INVALID_ARGUMENT",
            "The request is invalid: " + string.Join("; ", shown.Select(v => $"{v.Field}: {v.Description}")) + more,
            shown);
    }

    /// <summary>The most field violations one answer lists.</summary>
    public const int MaxViolations = 20;

    /// <summary>The thing the request names does not exist (or is not visible to the caller).</summary>
    public static ChatException NotFound(string reason, string message) => new(StatusCode.NotFound, reason, message, []);

    /// <summary>The thing the request would create exists already.</summary>
    public static ChatException AlreadyExists(string reason, string message) => new(StatusCode.AlreadyExists, reason, message, []);

    /// <summary>The caller is known but may not do this.</summary>
    public static ChatException PermissionDenied(string reason, string message) => new(StatusCode.PermissionDenied, reason, message, []);

    /// <summary>The caller could not be authenticated.</summary>
    public static ChatException Unauthenticated(string reason, string message) => new(StatusCode.Unauthenticated, reason, message, []);

    /// <summary>The caller exceeded a quota or a bound, such as a rate limit or a queue size.</summary>
    public static ChatException ResourceExhausted(string reason, string message) => new(StatusCode.ResourceExhausted, reason, message, []);

    /// <summary>A rate limit is used up: the same request may succeed after <paramref name="retryAfter"/>.</summary>
    public static ChatException RateLimited(string reason, string message, TimeSpan retryAfter) =>
        new(StatusCode.ResourceExhausted, reason, message, [], retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);

    /// <summary>The server could not do it now (a store it needs is away); the same request may succeed when retried.</summary>
    public static ChatException Unavailable(string reason, string message) => new(StatusCode.Unavailable, reason, message, []);

    /// <summary>The work was ended by another that took its place (a newer stream of the same device).</summary>
    public static ChatException Aborted(string reason, string message) => new(StatusCode.Aborted, reason, message, []);

    /// <summary>The system is not in the state the request needs.</summary>
    public static ChatException FailedPrecondition(string reason, string message) => new(StatusCode.FailedPrecondition, reason, message, []);

    /// <summary>The same failure again from its parts, as another host of the deployment reported it.</summary>
    public static ChatException Of(StatusCode code, string reason, string message) => new(code, reason, message, []);
}
