using ChatMonolith.Protos.Identity.V1;
using Grpc.Net.Client;

namespace ChatMonolith.Testing;

public static class IdentityTestClient
{
    public const string Password = "correct horse battery staple";

    public static string UniqueUsername(string prefix = "user") => prefix + "_" + Guid.NewGuid().ToString("N")[..12];

    public static IdentityService.IdentityServiceClient Identity(this GrpcChannel channel) => new(channel);

    public static async Task<TestSession> RegisterAndLoginAsync(this GrpcChannel channel, string? username = null)
    {
        username ??= UniqueUsername();
        var identity = channel.Identity();
        await identity.RegisterAsync(new RegisterRequest { Username = username, DisplayName = username, Password = Password });
        return await channel.LoginAsync(username);
    }

    public static async Task<TestSession> LoginAsync(this GrpcChannel channel, string username, string deviceName = "test phone")
    {
        var login = await channel.Identity().LoginAsync(new LoginRequest
        {
            Username = username,
            Password = Password,
            DeviceName = deviceName,
            Platform = Platform.Android,
        });
        return new TestSession(login.UserId, login.DeviceId, username, Password, login.Tokens);
    }
}
