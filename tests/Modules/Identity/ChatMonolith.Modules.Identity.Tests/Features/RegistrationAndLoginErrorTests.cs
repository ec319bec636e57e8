using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Identity.Tests.Features;

public sealed class RegistrationAndLoginErrorTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private readonly IdentityService.IdentityServiceClient _identity = host.Channel.Identity();

    [Fact]
    public async Task Given_a_taken_username_When_registering_it_in_another_case_Then_the_answer_is_already_exists()
    {
        var username = IdentityTestClient.UniqueUsername("carol");
        await _identity.RegisterAsync(new RegisterRequest { Username = username, Password = IdentityTestClient.Password });

        var duplicate = await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists,
            () => _identity.RegisterAsync(new RegisterRequest { Username = username.ToUpperInvariant(), Password = IdentityTestClient.Password }).ResponseAsync);
        Assert.Equal("USERNAME_TAKEN", duplicate.Reason());
    }

    [Fact]
    public async Task Given_a_mixed_case_username_When_registering_Then_it_is_stored_in_lower_case_and_logs_in_in_any_case()
    {
        var username = IdentityTestClient.UniqueUsername("Dave");
        var registered = await _identity.RegisterAsync(new RegisterRequest { Username = username, Password = IdentityTestClient.Password });
        Assert.Equal(username.ToLowerInvariant(), registered.Username);

        var session = await host.Channel.LoginAsync(username.ToUpperInvariant());
        Assert.Equal(registered.UserId, session.UserId);
    }

    [Theory]
    [InlineData("ab", IdentityTestClient.Password, "username")]
    [InlineData("has space", IdentityTestClient.Password, "username")]
    [InlineData("emoji_😀_name", IdentityTestClient.Password, "username")]
    [InlineData("a_name_that_is_much_longer_than_32_chars", IdentityTestClient.Password, "username")]
    [InlineData("valid_name", "", "password")]
    [InlineData("valid_name", "short", "password")]
    public async Task Given_an_invalid_username_or_password_When_registering_Then_the_answer_names_the_field(
        string username, string password, string field)
    {
        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.RegisterAsync(new RegisterRequest { Username = username, Password = password }).ResponseAsync);
        Assert.Equal([field], invalid.ViolatedFields());
    }

    [Fact]
    public async Task Given_an_empty_request_When_registering_Then_every_invalid_field_is_reported_at_once()
    {
        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.RegisterAsync(new RegisterRequest()).ResponseAsync);
        Assert.Equal(["username", "password"], invalid.ViolatedFields());
    }

    [Fact]
    public async Task Given_a_wrong_password_or_an_unknown_user_When_logging_in_Then_both_answers_are_identical()
    {
        var session = await host.Channel.RegisterAndLoginAsync();

        var wrongPassword = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.LoginAsync(Login(session.Username, "not the password")).ResponseAsync);
        var unknownUser = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => _identity.LoginAsync(Login(IdentityTestClient.UniqueUsername("nobody"), "not the password")).ResponseAsync);

        Assert.Equal("INVALID_CREDENTIALS", wrongPassword.Reason());
        Assert.Equal(wrongPassword.Status.Detail, unknownUser.Status.Detail);
        Assert.Equal(wrongPassword.Reason(), unknownUser.Reason());
    }

    [Fact]
    public async Task Given_no_device_name_or_platform_When_logging_in_Then_the_answer_is_invalid_argument()
    {
        var session = await host.Channel.RegisterAndLoginAsync();

        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.LoginAsync(new LoginRequest { Username = session.Username, Password = session.Password }).ResponseAsync);
        Assert.Equal(["device_name", "platform"], invalid.ViolatedFields());
    }

    private static LoginRequest Login(string username, string password) =>
        new() { Username = username, Password = password, DeviceName = "phone", Platform = Platform.Ios };
}
