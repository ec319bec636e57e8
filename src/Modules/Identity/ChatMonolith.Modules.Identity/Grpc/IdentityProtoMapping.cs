using ChatMonolith.Modules.Identity.Features.Devices;
using ChatMonolith.Modules.Identity.Features.Profiles;
using ChatMonolith.Modules.Identity.Tokens;
using ChatMonolith.Protos.Identity.V1;
using Google.Protobuf.WellKnownTypes;
using Device = ChatMonolith.Protos.Identity.V1.Device;

namespace ChatMonolith.Modules.Identity.Grpc;

internal static class IdentityProtoMapping
{
    public static TokenPair ToProto(IssuedTokens tokens) => new()
    {
        AccessToken = tokens.AccessToken.Reveal(),
        AccessTokenExpiresAt = Timestamp.FromDateTimeOffset(tokens.AccessTokenExpiresAt),
        RefreshToken = tokens.RefreshToken.Reveal(),
        RefreshTokenExpiresAt = Timestamp.FromDateTimeOffset(tokens.RefreshTokenExpiresAt),
    };

    public static Device ToProto(DeviceView device) => new()
    {
        DeviceId = device.DeviceId.ToString(),
        Name = device.Name,
        Platform = (Platform)device.Platform,
        CreatedAt = Timestamp.FromDateTimeOffset(device.CreatedAt),
        LastActiveAt = Timestamp.FromDateTimeOffset(device.LastActiveAt),
        RevokedAt = device.RevokedAt is { } revokedAt ? Timestamp.FromDateTimeOffset(revokedAt) : null,
        Current = device.Current,
    };

    public static Profile ToProto(ProfileView profile) => new()
    {
        UserId = profile.UserId.ToString(),
        Username = profile.Username,
        DisplayName = profile.DisplayName,
        CreatedAt = Timestamp.FromDateTimeOffset(profile.CreatedAt),
    };
}
