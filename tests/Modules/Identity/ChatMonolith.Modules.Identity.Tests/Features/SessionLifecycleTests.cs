using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Identity.Tests.Features;

public sealed class SessionLifecycleTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private readonly IdentityService.IdentityServiceClient _identity = host.Channel.Identity();

    [Fact]
    public async Task Given_a_registered_user_When_they_log_in_refresh_and_log_out_Then_each_token_works_exactly_as_long_as_it_should()
    {
        var username = IdentityTestClient.UniqueUsername("alice");
        var registered = await _identity.RegisterAsync(new RegisterRequest { Username = username, DisplayName = "Alice", Password = IdentityTestClient.Password });
        var session = await host.Channel.LoginAsync(username);
        Assert.Equal(registered.UserId, session.UserId);

        var profile = await _identity.GetProfileAsync(new GetProfileRequest { UserId = session.UserId }, session.Auth);
        Assert.Equal("Alice", profile.Profile.DisplayName);
        Assert.Equal(username, profile.Profile.Username);

        var refreshed = await _identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken });
        Assert.NotEqual(session.Tokens.RefreshToken, refreshed.Tokens.RefreshToken);
        var devices = await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(refreshed.Tokens.AccessToken));
        Assert.Equal(session.DeviceId, Assert.Single(devices.Devices).DeviceId);

        await _identity.LogoutAsync(new LogoutRequest(), TestSession.Bearer(refreshed.Tokens.AccessToken));

        foreach (var token in new[] { session.Tokens.AccessToken, refreshed.Tokens.AccessToken })
        {
            var refused = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
                () => _identity.GetProfileAsync(new GetProfileRequest { UserId = session.UserId }, TestSession.Bearer(token)).ResponseAsync);
            Assert.Equal("DEVICE_REVOKED", refused.Reason());
        }

        var refreshAfterLogout = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.RefreshAsync(new RefreshRequest { RefreshToken = refreshed.Tokens.RefreshToken }).ResponseAsync);
        Assert.Equal("DEVICE_REVOKED", refreshAfterLogout.Reason());
    }

    [Fact]
    public async Task Given_a_token_whose_successor_was_already_used_When_it_is_presented_again_Then_it_is_refused_and_the_device_is_revoked()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var otherDevice = await host.Channel.LoginAsync(session.Username, "laptop");
        var first = await _identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken });
        // The rightful owner has moved on; the first token, replayed even within the retry window, is a stolen copy.
        var rotated = await _identity.RefreshAsync(new RefreshRequest { RefreshToken = first.Tokens.RefreshToken });

        var reuse = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken }).ResponseAsync);
        Assert.Equal("REFRESH_TOKEN_REUSED", reuse.Reason());

        // The thief's copy and the rightful owner's newer tokens die together: the device is gone.
        var newerAccess = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(rotated.Tokens.AccessToken)).ResponseAsync);
        Assert.Equal("DEVICE_REVOKED", newerAccess.Reason());
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.RefreshAsync(new RefreshRequest { RefreshToken = rotated.Tokens.RefreshToken }).ResponseAsync);

        var devices = await _identity.ListDevicesAsync(new ListDevicesRequest(), otherDevice.Auth);
        var revoked = Assert.Single(devices.Devices, d => d.DeviceId == session.DeviceId);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Null(Assert.Single(devices.Devices, d => d.DeviceId == otherDevice.DeviceId).RevokedAt);
    }

    [Fact]
    public async Task Given_two_refreshes_of_one_token_at_once_When_both_are_answered_Then_both_get_the_same_successor_and_the_device_stays_signed_in()
    {
        var session = await host.Channel.RegisterAndLoginAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
            _identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken }).ResponseAsync));

        Assert.Equal(answers[0].Tokens.RefreshToken, answers[1].Tokens.RefreshToken);
        Assert.NotEqual(session.Tokens.RefreshToken, answers[0].Tokens.RefreshToken);
        foreach (var answer in answers)
        {
            await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(answer.Tokens.AccessToken));
        }

        var next = await _identity.RefreshAsync(new RefreshRequest { RefreshToken = answers[1].Tokens.RefreshToken });
        await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(next.Tokens.AccessToken));
    }

    [Fact]
    public async Task Given_a_refresh_whose_answer_was_lost_When_the_client_retries_it_Then_it_gets_the_same_successor_again()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var lost = await _identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken });

        var retried = await _identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken });

        Assert.Equal(lost.Tokens.RefreshToken, retried.Tokens.RefreshToken);
        Assert.Equal(lost.Tokens.RefreshTokenExpiresAt, retried.Tokens.RefreshTokenExpiresAt);
        var devices = await _identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(retried.Tokens.AccessToken));
        Assert.Null(Assert.Single(devices.Devices).RevokedAt);
    }

    [Fact]
    public async Task Given_two_devices_When_one_revokes_the_other_Then_only_the_revoked_device_loses_access()
    {
        var phone = await host.Channel.RegisterAndLoginAsync();
        var laptop = await host.Channel.LoginAsync(phone.Username, "laptop");

        var devices = await _identity.ListDevicesAsync(new ListDevicesRequest(), phone.Auth);
        Assert.Equal(2, devices.Devices.Count);
        Assert.True(Assert.Single(devices.Devices, d => d.Current).DeviceId == phone.DeviceId);

        await _identity.RevokeDeviceAsync(new RevokeDeviceRequest { DeviceId = laptop.DeviceId }, phone.Auth);

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.ListDevicesAsync(new ListDevicesRequest(), laptop.Auth).ResponseAsync);
        var stillThere = await _identity.ListDevicesAsync(new ListDevicesRequest(), phone.Auth);
        Assert.Equal(2, stillThere.Devices.Count);
    }

    [Fact]
    public async Task Given_a_device_of_another_user_When_revoking_it_Then_the_answer_is_not_found_and_it_keeps_working()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();

        var notFound = await RpcAssert.FailsWithAsync(StatusCode.NotFound,
            () => _identity.RevokeDeviceAsync(new RevokeDeviceRequest { DeviceId = bob.DeviceId }, alice.Auth).ResponseAsync);
        Assert.Equal("DEVICE_NOT_FOUND", notFound.Reason());

        var bobsDevices = await _identity.ListDevicesAsync(new ListDevicesRequest(), bob.Auth);
        Assert.Null(Assert.Single(bobsDevices.Devices).RevokedAt);
    }
}

/// <summary>With no retry window, every second presentation of a rotated token is reuse, as a replay after the window is.</summary>
public sealed class RefreshReplayTests(RefreshReplayTests.NoRetryWindow host) : IClassFixture<RefreshReplayTests.NoRetryWindow>
{
    [Fact]
    public async Task Given_a_rotated_token_When_it_is_replayed_outside_the_retry_window_Then_it_is_reuse_and_the_device_is_revoked()
    {
        var identity = host.Channel.Identity();
        var session = await host.Channel.RegisterAndLoginAsync();
        var rotated = await identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken });

        var replay = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => identity.RefreshAsync(new RefreshRequest { RefreshToken = session.Tokens.RefreshToken }).ResponseAsync);

        Assert.Equal("REFRESH_TOKEN_REUSED", replay.Reason());
        var successor = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => identity.RefreshAsync(new RefreshRequest { RefreshToken = rotated.Tokens.RefreshToken }).ResponseAsync);
        Assert.Equal("DEVICE_REVOKED", successor.Reason());
    }

    public sealed class NoRetryWindow : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Identity:RefreshRetryWindow", "00:00:00")];
    }
}
