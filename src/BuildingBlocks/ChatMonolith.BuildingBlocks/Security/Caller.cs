namespace ChatMonolith.BuildingBlocks.Security;

/// <summary>The authenticated device behind a call: every RPC but sign-up and sign-in has one.</summary>
public sealed record Caller(Guid UserId, Guid DeviceId);
