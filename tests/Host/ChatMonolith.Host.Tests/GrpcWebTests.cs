using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;

namespace ChatMonolith.Host.Tests;

public sealed class GrpcWebTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_a_browser_client_on_grpc_web_When_it_registers_logs_in_and_calls_Then_it_gets_the_same_answers_as_a_native_client()
    {
        var session = await host.WebChannel.RegisterAndLoginAsync();

        var profile = await host.WebChannel.Identity().GetProfileAsync(new GetProfileRequest { UserId = session.UserId }, session.Auth);
        Assert.Equal(session.Username, profile.Profile.Username);

        var sameThroughNative = await host.Channel.Identity().GetProfileAsync(new GetProfileRequest { UserId = session.UserId }, session.Auth);
        Assert.Equal(profile.Profile, sameThroughNative.Profile);
    }

    [Fact]
    public async Task Given_a_browser_client_When_a_call_fails_Then_the_status_details_arrive_over_grpc_web_too()
    {
        var invalid = await RpcAssert.FailsWithAsync(Grpc.Core.StatusCode.InvalidArgument,
            () => host.WebChannel.Identity().RegisterAsync(new RegisterRequest { Username = "x", Password = "" }).ResponseAsync);
        Assert.Equal(["username", "password"], invalid.ViolatedFields());
    }
}
