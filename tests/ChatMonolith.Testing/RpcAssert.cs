using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace ChatMonolith.Testing;

/// <summary>Assertions on failed calls: the status code and the <c>google.rpc</c> details.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> FailsWithAsync(StatusCode code, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, exception.StatusCode);
        return exception;
    }

    public static string Reason(this RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason
        ?? throw new Xunit.Sdk.XunitException($"The error has no google.rpc.ErrorInfo: {exception.Status}");

    public static IReadOnlyList<string> ViolatedFields(this RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToList()
        ?? throw new Xunit.Sdk.XunitException($"The error has no google.rpc.BadRequest: {exception.Status}");

    public static IReadOnlyList<string> ViolationDescriptions(this RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Description).ToList()
        ?? throw new Xunit.Sdk.XunitException($"The error has no google.rpc.BadRequest: {exception.Status}");

    public static TimeSpan RetryDelay(this RpcException exception) =>
        exception.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan()
        ?? throw new Xunit.Sdk.XunitException($"The error has no google.rpc.RetryInfo: {exception.Status}");
}
