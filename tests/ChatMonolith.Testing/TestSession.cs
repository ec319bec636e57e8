using ChatMonolith.Protos.Identity.V1;
using Grpc.Core;

namespace ChatMonolith.Testing;

/// <summary>A signed-in device of a test user.</summary>
public sealed record TestSession(string UserId, string DeviceId, string Username, string Password, TokenPair Tokens)
{
    public Metadata Auth => Bearer(Tokens.AccessToken);

    public static Metadata Bearer(string accessToken) => new() { { "authorization", "Bearer " + accessToken } };
}
