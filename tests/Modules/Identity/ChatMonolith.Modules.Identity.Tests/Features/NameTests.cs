using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Identity.Tests.Features;

/// <summary>Display names and device names: counted as a reader counts them, and nothing PostgreSQL cannot store.</summary>
public sealed class NameTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private const string Smile = "😀"; // two UTF-16 units, one text element
    private const string Family = "👨‍👩‍👧‍👦"; // seven code points, eleven UTF-16 units, one text element

    private readonly IdentityService.IdentityServiceClient _identity = host.Channel.Identity();

    [Theory]
    [InlineData("nul\0inside")]
    [InlineData("bell\u0007")]
    [InlineData("two\nlines")]
    public async Task Given_a_control_character_in_a_display_name_When_registering_Then_the_answer_is_invalid_argument_and_no_account_exists(string displayName)
    {
        var username = IdentityTestClient.UniqueUsername("ctrl");

        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.RegisterAsync(new RegisterRequest { Username = username, DisplayName = displayName, Password = IdentityTestClient.Password }).ResponseAsync);

        Assert.Equal(["display_name"], invalid.ViolatedFields());
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => host.Channel.LoginAsync(username));
    }

    [Fact]
    public async Task Given_a_display_name_of_64_emoji_When_registering_Then_it_is_stored_as_written()
    {
        var displayName = string.Concat(Enumerable.Repeat(Smile, 64)); // 128 UTF-16 units
        var username = IdentityTestClient.UniqueUsername("emoji");
        var registered = await _identity.RegisterAsync(new RegisterRequest { Username = username, DisplayName = displayName, Password = IdentityTestClient.Password });
        var session = await host.Channel.LoginAsync(username);

        var profile = await _identity.GetProfileAsync(new GetProfileRequest { UserId = registered.UserId }, session.Auth);

        Assert.Equal(displayName, profile.Profile.DisplayName);
    }

    [Fact]
    public async Task Given_a_display_name_of_65_emoji_When_registering_Then_the_answer_counts_characters()
    {
        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.RegisterAsync(new RegisterRequest
            {
                Username = IdentityTestClient.UniqueUsername("long"),
                DisplayName = string.Concat(Enumerable.Repeat(Smile, 65)),
                Password = IdentityTestClient.Password,
            }).ResponseAsync);

        Assert.Equal(["display_name"], invalid.ViolatedFields());
        Assert.Equal(["must be at most 64 characters"], invalid.ViolationDescriptions());
    }

    [Fact]
    public async Task Given_a_device_name_of_joined_emoji_When_logging_in_Then_each_counts_once()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var deviceName = string.Concat(Enumerable.Repeat(Family, 20)); // 220 UTF-16 units, 500 bytes, 20 characters

        var login = await host.Channel.LoginAsync(session.Username, deviceName);
        var devices = await _identity.ListDevicesAsync(new ListDevicesRequest(), login.Auth);

        Assert.Contains(devices.Devices, d => d.Name == deviceName);
    }

    [Theory]
    [InlineData("phone\0")]
    [InlineData("   ")]
    public async Task Given_a_device_name_with_nul_or_only_spaces_When_logging_in_Then_the_answer_is_invalid_argument(string deviceName)
    {
        var session = await host.Channel.RegisterAndLoginAsync();

        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.LoginAsync(new LoginRequest { Username = session.Username, Password = session.Password, DeviceName = deviceName, Platform = Platform.Web }).ResponseAsync);

        Assert.Equal(["device_name"], invalid.ViolatedFields());
    }

    [Fact]
    public async Task Given_a_username_with_nul_When_logging_in_Then_the_answer_is_the_same_as_for_an_unknown_user()
    {
        var unknown = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.LoginAsync(new LoginRequest { Username = "no\0body", Password = "whatever", DeviceName = "phone", Platform = Platform.Web }).ResponseAsync);

        Assert.Equal("INVALID_CREDENTIALS", unknown.Reason());
    }
}
