using System.Text;
using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatMonolith.Modules.Identity.Tests.Features;

public sealed class AccessTokenTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private readonly IdentityService.IdentityServiceClient _identity = host.Channel.Identity();

    [Fact]
    public async Task Given_no_token_When_calling_an_authenticated_rpc_Then_the_answer_is_unauthenticated()
    {
        var refused = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.ListDevicesAsync(new ListDevicesRequest()).ResponseAsync);
        Assert.Equal("TOKEN_MISSING", refused.Reason());
    }

    [Theory]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Given_a_malformed_token_When_calling_Then_the_answer_is_unauthenticated(string header)
    {
        var refused = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.ListDevicesAsync(new ListDevicesRequest(), new Metadata { { "authorization", header } }).ResponseAsync);
        Assert.Equal("TOKEN_INVALID", refused.Reason());
    }

    [Fact]
    public async Task Given_a_token_signed_with_another_key_When_calling_Then_the_answer_is_unauthenticated()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var forged = Token(session, DateTime.UtcNow.AddMinutes(5), "some-other-key-that-is-long-enough-for-hmac-sha256");

        var refused = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(forged)).ResponseAsync);
        Assert.Equal("TOKEN_INVALID", refused.Reason());
    }

    [Fact]
    public async Task Given_an_expired_token_When_calling_Then_the_answer_is_unauthenticated_and_a_fresh_one_works()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var expired = Token(session, DateTime.UtcNow.AddSeconds(-1), ChatHostFixture.SigningKey);
        var fresh = Token(session, DateTime.UtcNow.AddMinutes(5), ChatHostFixture.SigningKey);

        var refused = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(expired)).ResponseAsync);
        Assert.Equal("TOKEN_EXPIRED", refused.Reason());
        var devices = await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(fresh));
        Assert.Single(devices.Devices);
    }

    /// <summary>A token that worked is remembered without its signature being checked again, but never past its expiry.</summary>
    [Fact]
    public async Task Given_a_token_that_worked_When_it_expires_Then_the_same_token_is_refused_as_expired()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var shortLived = Token(session, DateTime.UtcNow.AddSeconds(5), ChatHostFixture.SigningKey); // room for a slow first call
        Assert.Single((await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(shortLived))).Devices);

        // Polls until the token's expiry has passed on the server's clock, which is what is awaited here.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        RpcException? refused = null;
        while (refused is null && DateTime.UtcNow < deadline)
        {
            try
            {
                await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(shortLived));
                await Task.Delay(100);
            }
            catch (RpcException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal((StatusCode.Unauthenticated, "TOKEN_EXPIRED"), (refused.StatusCode, refused.Reason()));
    }

    [Fact]
    public async Task Given_a_token_valid_only_from_the_future_When_calling_Then_it_is_refused_and_a_current_one_works()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var now = DateTime.UtcNow;
        var future = Token(session, now.AddMinutes(20), ChatHostFixture.SigningKey, notBefore: now.AddMinutes(5));

        var refused = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(future)).ResponseAsync);

        Assert.Equal("TOKEN_INVALID", refused.Reason());
        var current = Token(session, now.AddMinutes(10), ChatHostFixture.SigningKey, notBefore: now.AddSeconds(-1));
        Assert.Single((await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(current))).Devices);
    }

    [Fact]
    public async Task Given_a_well_signed_token_naming_a_device_that_does_not_exist_When_calling_Then_it_is_refused_every_time()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var strangerDevice = session with { DeviceId = Guid.NewGuid().ToString() };
        var otherUsersDevice = session with { UserId = (await host.Channel.RegisterAndLoginAsync()).UserId };

        foreach (var forged in new[] { strangerDevice, otherUsersDevice, strangerDevice }.Select(s => Token(s, DateTime.UtcNow.AddMinutes(5), ChatHostFixture.SigningKey)))
        {
            var refused = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
                () => _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(forged)).ResponseAsync);
            Assert.Equal("TOKEN_INVALID", refused.Reason());
        }

        Assert.Single((await _identity.ListDevicesAsync(new ListDevicesRequest(), session.Auth)).Devices);
    }

    private static string Token(TestSession session, DateTime expires, string key, DateTime? notBefore = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chatmonolith",
            Audience = "chatmonolith",
            IssuedAt = notBefore ?? expires.AddMinutes(-15),
            NotBefore = notBefore ?? expires.AddMinutes(-15),
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = session.UserId, ["did"] = session.DeviceId },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
}
