using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Identity.Tests.Features;

public sealed class ProfileTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private readonly IdentityService.IdentityServiceClient _identity = host.Channel.Identity();

    [Fact]
    public async Task Given_users_sharing_a_prefix_When_searching_page_by_page_Then_each_appears_once_in_username_order()
    {
        var prefix = "zq" + Guid.NewGuid().ToString("N")[..6];
        var usernames = Enumerable.Range(0, 5).Select(i => $"{prefix}_{i}").ToList();
        foreach (var username in usernames)
        {
            await _identity.RegisterAsync(new RegisterRequest { Username = username, Password = IdentityTestClient.Password });
        }

        var searcher = await host.Channel.RegisterAndLoginAsync();
        var found = new List<string>();
        var cursor = "";
        var pages = 0;
        do
        {
            var page = await _identity.SearchUsersAsync(
                new SearchUsersRequest { Prefix = prefix.ToUpperInvariant(), PageSize = 2, Cursor = cursor }, searcher.Auth);
            Assert.True(page.Users.Count <= 2);
            found.AddRange(page.Users.Select(u => u.Username));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor.Length > 0);

        Assert.Equal(usernames, found);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Given_a_bad_cursor_or_page_size_When_searching_Then_the_answer_names_the_fields()
    {
        var searcher = await host.Channel.RegisterAndLoginAsync();

        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.SearchUsersAsync(new SearchUsersRequest { Prefix = "", PageSize = 1000, Cursor = "%%%" }, searcher.Auth).ResponseAsync);
        Assert.Equal(["prefix", "page_size", "cursor"], invalid.ViolatedFields());
    }

    [Fact]
    public async Task Given_an_unknown_or_malformed_user_id_When_getting_a_profile_Then_the_answer_is_not_found_or_invalid()
    {
        var session = await host.Channel.RegisterAndLoginAsync();

        var unknown = await RpcAssert.FailsWithAsync(StatusCode.NotFound,
            () => _identity.GetProfileAsync(new GetProfileRequest { UserId = Guid.NewGuid().ToString() }, session.Auth).ResponseAsync);
        Assert.Equal("USER_NOT_FOUND", unknown.Reason());

        var malformed = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _identity.GetProfileAsync(new GetProfileRequest { UserId = "42" }, session.Auth).ResponseAsync);
        Assert.Equal(["user_id"], malformed.ViolatedFields());
    }
}
