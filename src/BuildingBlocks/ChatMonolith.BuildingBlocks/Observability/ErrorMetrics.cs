using System.Diagnostics.Metrics;
using ChatMonolith.BuildingBlocks.Errors;
using Grpc.Core;

namespace ChatMonolith.BuildingBlocks.Observability;

/// <summary>
/// <c>chat.errors</c>: every failure a client is told of, by gRPC status code and <c>ErrorInfo</c> reason: the status
/// a call ends with, and a request a stream refuses without ending (<c>RequestRejected</c>).
/// </summary>
public sealed class ErrorMetrics
{
    public const string MeterName = ChatMeters.Prefix + "Errors";

    private readonly Counter<long> _errors;

    public ErrorMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _errors = meter.CreateCounter<long>("chat.errors", "{error}", "Failures answered to clients, by status code and reason");
    }

    public void Record(StatusCode code, string reason) =>
        _errors.Add(1, new KeyValuePair<string, object?>("code", code.ToString()), new KeyValuePair<string, object?>("reason", reason));

    public void Record(ChatException failure) => Record(failure.Code, failure.Reason);
}
