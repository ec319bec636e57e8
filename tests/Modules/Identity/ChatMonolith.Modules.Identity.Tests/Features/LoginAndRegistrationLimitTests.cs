using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Identity.Tests.Features;

/// <summary>Wrong passwords per account: past three, the account's logins wait for the window, right password or not.</summary>
public sealed class FailedLoginLimitTests(FailedLoginLimitTests.ThreeFailures host) : IClassFixture<FailedLoginLimitTests.ThreeFailures>
{
    [Fact]
    public async Task Given_three_wrong_passwords_When_the_right_one_comes_next_Then_it_is_refused_with_RetryInfo_and_other_accounts_log_in()
    {
        var identity = host.Channel.Identity();
        var victim = await host.Channel.RegisterAndLoginAsync();
        for (var i = 0; i < 3; i++)
        {
            var wrong = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.LoginAsync(Login(victim.Username, "wrong password")).ResponseAsync);
            Assert.Equal("INVALID_CREDENTIALS", wrong.Reason());
        }

        var held = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => identity.LoginAsync(Login(victim.Username, IdentityTestClient.Password)).ResponseAsync);

        Assert.Equal("LOGIN_RATE_LIMITED", held.Reason());
        Assert.InRange(held.RetryDelay(), TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
        await host.Channel.RegisterAndLoginAsync();
        // The devices the victim had keep working.
        await identity.ListDevicesAsync(new ListDevicesRequest(), victim.Auth);
    }

    internal static LoginRequest Login(string username, string password) =>
        new() { Username = username, Password = password, DeviceName = "phone", Platform = Platform.Android };

    public sealed class ThreeFailures : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Identity:FailedLoginsPerAccount", "3"), new("Identity:LoginAttemptsPerAddress", "0")];
    }
}

/// <summary>Login attempts per address: past four a minute, every login from the address waits, whichever account.</summary>
public sealed class LoginAddressLimitTests(LoginAddressLimitTests.FourPerAddress host) : IClassFixture<LoginAddressLimitTests.FourPerAddress>
{
    [Fact]
    public async Task Given_four_logins_from_one_address_When_a_fifth_comes_for_another_account_Then_it_is_refused_with_RetryInfo()
    {
        var identity = host.Channel.Identity();
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = IdentityTestClient.UniqueUsername("bob");
        await identity.RegisterAsync(new RegisterRequest { Username = bob, DisplayName = "Bob", Password = IdentityTestClient.Password });
        for (var i = 0; i < 3; i++)
        {
            await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.LoginAsync(FailedLoginLimitTests.Login(alice.Username, $"guess {i}")).ResponseAsync);
        }

        var refused = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => identity.LoginAsync(FailedLoginLimitTests.Login(bob, IdentityTestClient.Password)).ResponseAsync);

        Assert.Equal("LOGIN_RATE_LIMITED", refused.Reason());
        Assert.InRange(refused.RetryDelay(), TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
    }

    public sealed class FourPerAddress : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Identity:LoginAttemptsPerAddress", "4"), new("Identity:FailedLoginsPerAccount", "0")];
    }
}

/// <summary>Registrations per address, and devices per user.</summary>
public sealed class RegistrationAndDeviceLimitTests(RegistrationAndDeviceLimitTests.SmallLimits host) : IClassFixture<RegistrationAndDeviceLimitTests.SmallLimits>
{
    [Fact]
    public async Task Given_the_address_registered_its_three_When_a_fourth_registers_Then_it_is_refused_with_RetryInfo_and_not_stored()
    {
        var identity = host.Channel.Identity();
        var names = Enumerable.Range(0, 4).Select(_ => IdentityTestClient.UniqueUsername()).ToList();
        foreach (var name in names.Take(3))
        {
            await identity.RegisterAsync(new RegisterRequest { Username = name, DisplayName = name, Password = IdentityTestClient.Password });
        }

        var refused = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => identity.RegisterAsync(
            new RegisterRequest { Username = names[3], DisplayName = "Four", Password = IdentityTestClient.Password }).ResponseAsync);

        Assert.Equal("REGISTRATION_RATE_LIMITED", refused.Reason());
        Assert.InRange(refused.RetryDelay(), TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        var unknown = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.LoginAsync(FailedLoginLimitTests.Login(names[3], IdentityTestClient.Password)).ResponseAsync);
        Assert.Equal("INVALID_CREDENTIALS", unknown.Reason());

        // The devices cap, on an account registered before the limit: two devices, then a third only after one is revoked.
        var phone = await host.Channel.LoginAsync(names[0], "phone");
        await host.Channel.LoginAsync(names[0], "laptop");
        var third = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => host.Channel.LoginAsync(names[0], "tablet"));
        Assert.Equal("TOO_MANY_DEVICES", third.Reason());
        await identity.LogoutAsync(new LogoutRequest(), phone.Auth);
        await host.Channel.LoginAsync(names[0], "tablet");
    }

    public sealed class SmallLimits : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [new("Identity:RegistrationsPerAddress", "3"), new("Identity:MaxDevicesPerUser", "2")];
    }
}
