using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using ChatMonolith.Testing;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace ChatMonolith.Host.Tests;

/// <summary>
/// Who may call what: one row per RPC and per stream event, one column per kind of caller, each cell the status that
/// caller gets. Conversation calls aim at a group that the member and admin are in, the removed member was removed
/// from, and the stranger never joined. A new RPC or stream event without a row fails the completeness test.
/// </summary>
public sealed class AuthorizationMatrixTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    public enum Actor
    {
        Anonymous,
        Revoked,
        Stranger,
        Removed,
        Member,
        Admin,
    }

    // Cells in the order of Actor; OK, or the status code's name. Admin comes last: some of its calls change the group.
    private static readonly (string Name, string Expected, Func<World, Actor, Task> Call)[] Rows =
    [
        // Identity: Register and Login take no token (a token sent along is not looked at); Refresh takes the caller's own refresh token.
        ("IdentityService.Register", "OK OK OK OK OK OK", (w, a) => w.Identity.RegisterAsync(new RegisterRequest { Username = IdentityTestClient.UniqueUsername(), DisplayName = "n", Password = IdentityTestClient.Password }, w.Auth(a)).ResponseAsync),
        ("IdentityService.Login", "OK OK OK OK OK OK", (w, a) => w.Identity.LoginAsync(new LoginRequest { Username = w.Peer.Username, Password = IdentityTestClient.Password, DeviceName = "d", Platform = Platform.Android }, w.Auth(a)).ResponseAsync),
        ("IdentityService.Refresh", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Identity.RefreshAsync(new RefreshRequest { RefreshToken = w.RefreshTokenOf(a) }).ResponseAsync),
        ("IdentityService.Logout", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Identity.LogoutAsync(new LogoutRequest(), w.Auth(a)).ResponseAsync),
        ("IdentityService.ListDevices", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Identity.ListDevicesAsync(new ListDevicesRequest(), w.Auth(a)).ResponseAsync),
        ("IdentityService.RevokeDevice", "Unauthenticated Unauthenticated NotFound NotFound NotFound NotFound", (w, a) => w.Identity.RevokeDeviceAsync(new RevokeDeviceRequest { DeviceId = w.Peer.DeviceId }, w.Auth(a)).ResponseAsync),
        ("IdentityService.GetProfile", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Identity.GetProfileAsync(new GetProfileRequest { UserId = w.Peer.UserId }, w.Auth(a)).ResponseAsync),
        ("IdentityService.SearchUsers", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Identity.SearchUsersAsync(new SearchUsersRequest { Prefix = "user" }, w.Auth(a)).ResponseAsync),

        // Conversations.
        ("ConversationService.OpenDirectChat", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Conversations.OpenDirectChatAsync(new OpenDirectChatRequest { UserId = w.Peer.UserId }, w.Auth(a)).ResponseAsync),
        ("ConversationService.CreateGroup", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Conversations.CreateGroupAsync(new CreateGroupRequest { Title = "t", MemberIds = { w.Peer.UserId } }, w.Auth(a)).ResponseAsync),
        ("ConversationService.AddMembers", "Unauthenticated Unauthenticated NotFound PermissionDenied PermissionDenied OK", (w, a) => w.Conversations.AddMembersAsync(new AddMembersRequest { ConversationId = w.GroupId, UserIds = { w.Peer.UserId } }, w.Auth(a)).ResponseAsync),
        ("ConversationService.RemoveMember", "Unauthenticated Unauthenticated NotFound PermissionDenied PermissionDenied OK", (w, a) => w.Conversations.RemoveMemberAsync(new RemoveMemberRequest { ConversationId = w.GroupId, UserId = w.Bystander.UserId }, w.Auth(a)).ResponseAsync),
        ("ConversationService.LeaveGroup", "Unauthenticated Unauthenticated NotFound PermissionDenied OK OK", (w, a) => w.Conversations.LeaveGroupAsync(new LeaveGroupRequest { ConversationId = w.GroupId }, w.Auth(a)).ResponseAsync),
        ("ConversationService.RenameGroup", "Unauthenticated Unauthenticated NotFound PermissionDenied PermissionDenied OK", (w, a) => w.Conversations.RenameGroupAsync(new RenameGroupRequest { ConversationId = w.GroupId, Title = "renamed" }, w.Auth(a)).ResponseAsync),
        ("ConversationService.SetMemberRole", "Unauthenticated Unauthenticated NotFound PermissionDenied PermissionDenied OK", (w, a) => w.Conversations.SetMemberRoleAsync(new SetMemberRoleRequest { ConversationId = w.GroupId, UserId = w.Bystander.UserId, Role = MemberRole.Admin }, w.Auth(a)).ResponseAsync),
        ("ConversationService.GetConversation", "Unauthenticated Unauthenticated NotFound OK OK OK", (w, a) => w.Conversations.GetConversationAsync(new GetConversationRequest { ConversationId = w.GroupId }, w.Auth(a)).ResponseAsync),
        ("ConversationService.ListConversations", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Conversations.ListConversationsAsync(new ListConversationsRequest(), w.Auth(a)).ResponseAsync),
        ("ConversationService.GetMessages", "Unauthenticated Unauthenticated NotFound OK OK OK", (w, a) => w.Conversations.GetMessagesAsync(new GetMessagesRequest { ConversationId = w.GroupId, Direction = Direction.Before }, w.Auth(a)).ResponseAsync),
        ("ConversationService.Sync", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Conversations.SyncAsync(new SyncRequest(), w.Auth(a)).ResponseAsync),

        // The stream service: both streams, and the unary twins of its events.
        ("ChatStreamService.Connect", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.ConnectAsync(a, hello: null)),
        ("ChatStreamService.Subscribe", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.SubscribeAsync(a)),
        ("ChatStreamService.SendMessage", "Unauthenticated Unauthenticated NotFound PermissionDenied OK OK", (w, a) => w.Streams.SendMessageAsync(new SendMessageRequest { ConversationId = w.GroupId, ClientMsgId = Guid.NewGuid().ToString(), Text = "hi" }, w.Auth(a)).ResponseAsync),
        ("ChatStreamService.AckDelivered", "Unauthenticated Unauthenticated NotFound OK OK OK", (w, a) => w.Streams.AckDeliveredAsync(new AckDeliveredRequest { ConversationId = w.GroupId, Seq = w.MessageSeq }, w.Auth(a)).ResponseAsync),
        ("ChatStreamService.MarkRead", "Unauthenticated Unauthenticated NotFound OK OK OK", (w, a) => w.Streams.MarkReadAsync(new MarkReadRequest { ConversationId = w.GroupId, Seq = w.MessageSeq }, w.Auth(a)).ResponseAsync),

        // Receipts: message info is the sender's (the admin's) alone.
        ("ReceiptsService.GetMessageInfo", "Unauthenticated Unauthenticated NotFound PermissionDenied PermissionDenied OK", (w, a) => w.Receipts.GetMessageInfoAsync(new GetMessageInfoRequest { ConversationId = w.GroupId, Seq = w.MessageSeq }, w.Auth(a)).ResponseAsync),
        ("ReceiptsService.GetReceiptSettings", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Receipts.GetReceiptSettingsAsync(new GetReceiptSettingsRequest(), w.Auth(a)).ResponseAsync),
        ("ReceiptsService.UpdateReceiptSettings", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Receipts.UpdateReceiptSettingsAsync(new UpdateReceiptSettingsRequest { Settings = new ReceiptSettings { ReadReceipts = true } }, w.Auth(a)).ResponseAsync),

        // Presence: only someone who shares a conversation with a user now may watch them.
        ("PresenceService.Heartbeat", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Presence.HeartbeatAsync(new HeartbeatRequest(), w.Auth(a)).ResponseAsync),
        ("PresenceService.SetTyping", "Unauthenticated Unauthenticated NotFound PermissionDenied OK OK", (w, a) => w.Presence.SetTypingAsync(new SetTypingRequest { ConversationId = w.GroupId, Typing = true }, w.Auth(a)).ResponseAsync),
        ("PresenceService.WatchPresence", "Unauthenticated Unauthenticated PermissionDenied PermissionDenied OK OK", (w, a) => w.Presence.WatchPresenceAsync(new WatchPresenceRequest { UserIds = { w.Bystander.UserId } }, w.Auth(a)).ResponseAsync),
        ("PresenceService.GetPresenceSettings", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Presence.GetPresenceSettingsAsync(new GetPresenceSettingsRequest(), w.Auth(a)).ResponseAsync),
        ("PresenceService.UpdatePresenceSettings", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Presence.UpdatePresenceSettingsAsync(new UpdatePresenceSettingsRequest { Settings = new PresenceSettings { Visibility = PresenceVisibility.Everyone } }, w.Auth(a)).ResponseAsync),

        // Notifications: a push target is the calling device's; this host configures no provider, so registering one is
        // FAILED_PRECONDITION for everyone signed in. A mute is the caller's own, and harmless for a conversation they are not in.
        ("NotificationsService.SetPushTarget", "Unauthenticated Unauthenticated FailedPrecondition FailedPrecondition FailedPrecondition FailedPrecondition", (w, a) => w.Notifications.SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = "token" } }, w.Auth(a)).ResponseAsync),
        ("NotificationsService.RemovePushTarget", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Notifications.RemovePushTargetAsync(new RemovePushTargetRequest(), w.Auth(a)).ResponseAsync),
        ("NotificationsService.ListPushTargets", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Notifications.ListPushTargetsAsync(new ListPushTargetsRequest(), w.Auth(a)).ResponseAsync),
        ("NotificationsService.GetWebPushKey", "Unauthenticated Unauthenticated FailedPrecondition FailedPrecondition FailedPrecondition FailedPrecondition", (w, a) => w.Notifications.GetWebPushKeyAsync(new GetWebPushKeyRequest(), w.Auth(a)).ResponseAsync),
        ("NotificationsService.SetMute", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Notifications.SetMuteAsync(new SetMuteRequest { ConversationId = w.GroupId, Forever = true }, w.Auth(a)).ResponseAsync),
        ("NotificationsService.ListMutes", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.Notifications.ListMutesAsync(new ListMutesRequest(), w.Auth(a)).ResponseAsync),

        // Events on a Connect stream (no stream opens without a valid token): refused on the stream, or answered.
        ("ClientEvent.send", "Unauthenticated Unauthenticated NotFound PermissionDenied OK OK", (w, a) => w.ConnectAsync(a, new ClientEvent { Send = new SendMessageRequest { ConversationId = w.GroupId, ClientMsgId = Guid.NewGuid().ToString(), Text = "hi" } })),
        ("ClientEvent.ack_delivered", "Unauthenticated Unauthenticated NotFound OK OK OK", (w, a) => w.ConnectAsync(a, new ClientEvent { AckDelivered = new AckDeliveredRequest { ConversationId = w.GroupId, Seq = w.MessageSeq } })),
        ("ClientEvent.mark_read", "Unauthenticated Unauthenticated NotFound OK OK OK", (w, a) => w.ConnectAsync(a, new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = w.GroupId, Seq = w.MessageSeq } })),
        ("ClientEvent.heartbeat", "Unauthenticated Unauthenticated OK OK OK OK", (w, a) => w.ConnectAsync(a, new ClientEvent { Heartbeat = new HeartbeatRequest() })),
        ("ClientEvent.typing", "Unauthenticated Unauthenticated NotFound PermissionDenied OK OK", (w, a) => w.ConnectAsync(a, new ClientEvent { Typing = new SetTypingRequest { ConversationId = w.GroupId, Typing = true } })),
        ("ClientEvent.watch_presence", "Unauthenticated Unauthenticated PermissionDenied PermissionDenied OK OK", (w, a) => w.ConnectAsync(a, new ClientEvent { WatchPresence = new WatchPresenceRequest { UserIds = { w.Bystander.UserId } } })),
    ];

    public static TheoryData<string> RowNames => [.. Rows.Select(r => r.Name)];

    [Fact]
    public void Every_RPC_and_every_stream_event_has_a_row()
    {
        var services = new[] { IdentityService.Descriptor, ConversationService.Descriptor, ChatStreamService.Descriptor, ReceiptsService.Descriptor, PresenceService.Descriptor, NotificationsService.Descriptor };
        var expected = services.SelectMany(s => s.Methods).Select(m => $"{m.Service.Name}.{m.Name}")
            .Concat(ClientEvent.Descriptor.Oneofs.Single().Fields.Where(f => f.Name != "hello").Select(f => $"ClientEvent.{f.Name}"))
            .Order();
        Assert.Equal(expected, Rows.Select(r => r.Name).Order());
    }

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task Given_each_kind_of_caller_When_they_make_the_call_Then_each_gets_the_status_its_cell_says(string name)
    {
        var (_, expected, call) = Rows.Single(r => r.Name == name);
        var cells = expected.Split(' ');
        var world = await World.CreateAsync(host.Channel);
        var actual = new List<string>();
        foreach (var actor in Enum.GetValues<Actor>())
        {
            try
            {
                await call(world, actor);
                actual.Add("OK");
            }
            catch (RpcException e)
            {
                Assert.True(e.GetRpcStatus()?.GetDetail<ErrorInfo>() is not null, $"{name} as {actor}: {e.StatusCode} without ErrorInfo");
                actual.Add(e.StatusCode.ToString());
            }
        }

        var want = string.Join(", ", Enum.GetValues<Actor>().Zip(cells, (a, c) => $"{a}: {c}"));
        var got = string.Join(", ", Enum.GetValues<Actor>().Zip(actual, (a, c) => $"{a}: {c}"));
        Assert.True(want == got, $"{name}\nexpected {want}\nactual   {got}");
    }

    /// <summary>
    /// One group per row: its admin and member, a member removed from it, a stranger, and a member whose device was
    /// signed out (revoked); a peer outside it, and a bystander member whom the admin's changes act on.
    /// </summary>
    public sealed class World
    {
        private readonly Dictionary<Actor, TestSession> _sessions = [];

        private World(GrpcChannel channel) => Channel = channel;

        public GrpcChannel Channel { get; }

        public IdentityService.IdentityServiceClient Identity => Channel.Identity();

        public ConversationService.ConversationServiceClient Conversations => Channel.Conversations();

        public ChatStreamService.ChatStreamServiceClient Streams => Channel.Streams();

        public ReceiptsService.ReceiptsServiceClient Receipts => Channel.Receipts();

        public PresenceService.PresenceServiceClient Presence => Channel.Presence();

        public NotificationsService.NotificationsServiceClient Notifications => new(Channel);

        public TestSession Peer { get; private set; } = null!;

        public TestSession Bystander { get; private set; } = null!;

        public string GroupId { get; private set; } = "";

        public long MessageSeq { get; private set; }

        public static async Task<World> CreateAsync(GrpcChannel channel)
        {
            var world = new World(channel);
            foreach (var actor in new[] { Actor.Revoked, Actor.Stranger, Actor.Removed, Actor.Member, Actor.Admin })
            {
                world._sessions[actor] = await channel.RegisterAndLoginAsync();
            }

            world.Peer = await channel.RegisterAndLoginAsync();
            world.Bystander = await channel.RegisterAndLoginAsync();
            var admin = world._sessions[Actor.Admin];
            var group = await channel.CreateGroupAsync(admin, "matrix", [world._sessions[Actor.Member], world._sessions[Actor.Removed], world._sessions[Actor.Revoked], world.Bystander]);
            world.GroupId = group.ConversationId;
            world.MessageSeq = (await channel.SendAsync(admin, group.ConversationId, "the admin's message")).Seq;
            await world.Conversations.RemoveMemberAsync(new RemoveMemberRequest { ConversationId = group.ConversationId, UserId = world._sessions[Actor.Removed].UserId }, admin.Auth);
            await world.Identity.LogoutAsync(new LogoutRequest(), world._sessions[Actor.Revoked].Auth);
            return world;
        }

        public Metadata Auth(Actor actor) => actor == Actor.Anonymous ? [] : _sessions[actor].Auth;

        public string RefreshTokenOf(Actor actor) => actor == Actor.Anonymous ? "not-a-refresh-token" : _sessions[actor].Tokens.RefreshToken;

        /// <summary>Opens a Connect stream and, with an event, sends it: a refusal on the stream becomes that status.</summary>
        public async Task ConnectAsync(Actor actor, ClientEvent? hello)
        {
            using var call = Streams.Connect(Auth(actor), DateTime.UtcNow.AddSeconds(20));
            try
            {
                await call.RequestStream.WriteAsync(new ClientEvent { Hello = new Hello() });
            }
            catch (RpcException)
            {
                // The server refused the call before the hello went up (a revoked token): its status is read below.
            }

            await NextAsync(call.ResponseStream, e => e.CaughtUp is not null);
            if (hello is null)
            {
                return;
            }

            await call.RequestStream.WriteAsync(hello);
            // A send is answered, accepted or refused. Any other event is answered only when refused: a barrier after
            // it (a malformed mark, refused as such) shows that no refusal came first.
            var isSend = hello.EventCase == ClientEvent.EventOneofCase.Send;
            if (!isSend)
            {
                await call.RequestStream.WriteAsync(new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = "barrier", Seq = 1 } });
            }

            var answer = await NextAsync(call.ResponseStream, e => e.Rejected is not null || (isSend && e.SendAccepted is not null));
            if (answer.Rejected is { } rejected && rejected.ConversationId != "barrier")
            {
                var status = new Google.Rpc.Status { Code = rejected.Code, Message = rejected.Message };
                status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(new ErrorInfo { Reason = rejected.Reason }));
                throw status.ToRpcException();
            }
        }

        public async Task SubscribeAsync(Actor actor)
        {
            using var call = Streams.Subscribe(new SubscribeRequest { Hello = new Hello() }, Auth(actor), DateTime.UtcNow.AddSeconds(20));
            await NextAsync(call.ResponseStream, e => e.CaughtUp is not null);
        }

        private static async Task<ServerEvent> NextAsync(IAsyncStreamReader<ServerEvent> events, Func<ServerEvent, bool> match)
        {
            using var timeout = new CancellationTokenSource(DeviceStream.Timeout);
            while (await events.MoveNext(timeout.Token))
            {
                if (match(events.Current))
                {
                    return events.Current;
                }
            }

            throw new InvalidOperationException("The stream ended with OK before the awaited event.");
        }
    }
}
