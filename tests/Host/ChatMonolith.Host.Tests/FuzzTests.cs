using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using ChatMonolith.Testing;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;
using MethodType = Grpc.Core.MethodType;

namespace ChatMonolith.Host.Tests;

/// <summary>
/// Property tests of every unary RPC and of the stream, over real gRPC: requests whose every field is drawn from values
/// that break naive code (empty, NUL, huge, negative, unknown enum values, ids of the wrong kind), and bytes mutated
/// after encoding. Whatever comes, the answer is OK or a non-OK status with <c>ErrorInfo</c> (never UNKNOWN or
/// INTERNAL), within its deadline, and the host serves the next valid request. Bounded in iterations, so CI runs it.
/// </summary>
public sealed class FuzzTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private const int UnaryIterations = 400;
    private const int StreamIterations = 60;

    // Calls that would end the session every later call relies on are left out: the rest is every unary RPC.
    private static readonly HashSet<string> LeftOut = ["chat.identity.v1.IdentityService.Logout"];

    private static readonly List<MethodDescriptor> UnaryMethods =
        new[] { IdentityService.Descriptor, ConversationService.Descriptor, ChatStreamService.Descriptor, ReceiptsService.Descriptor, PresenceService.Descriptor, NotificationsService.Descriptor }
            .SelectMany(s => s.Methods)
            .Where(m => !m.IsClientStreaming && !m.IsServerStreaming && !LeftOut.Contains(m.FullName))
            .ToList();

    [Fact]
    public async Task Given_random_and_broken_requests_to_every_unary_RPC_When_each_is_answered_Then_every_answer_is_OK_or_a_status_with_ErrorInfo()
    {
        var world = await WorldAsync();
        var invoker = host.Channel.CreateCallInvoker();
        var seen = new HashSet<string>();

        await Gen.Select(Gen.Int[0, UnaryMethods.Count - 1], Gen.UInt.Array[24], Gen.Int[0, 3]).SampleAsync(async (method, choices, mutation) =>
        {
            var descriptor = UnaryMethods[method];
            var bytes = Mutate(Fill(descriptor.InputType, new Choices(choices, world), depth: 0).ToByteArray(), choices, mutation);
            var call = RawCalls.Method(MethodType.Unary, descriptor.Service.FullName, descriptor.Name);
            try
            {
                await invoker.AsyncUnaryCall(call, null, new CallOptions(world.Member.Auth, DateTime.UtcNow.AddSeconds(15)), bytes).ResponseAsync;
            }
            catch (RpcException e)
            {
                AssertProper(e, descriptor.FullName);
                lock (seen)
                {
                    seen.Add($"{descriptor.Name} {e.StatusCode}");
                }
            }
        }, iter: UnaryIterations, threads: 1);

        // The host still serves, and the run reached refusals of many kinds.
        await host.Channel.RegisterAndLoginAsync();
        Assert.True(seen.Count >= 20, "too few kinds of answers: " + string.Join(", ", seen));
    }

    [Fact]
    public async Task Given_random_and_broken_events_on_a_stream_When_each_is_read_Then_the_stream_answers_or_ends_with_a_status_and_the_next_stream_works()
    {
        var world = await WorldAsync();
        var invoker = host.Channel.CreateCallInvoker();
        var connect = RawCalls.Method(MethodType.DuplexStreaming, ChatStreamService.Descriptor.FullName, "Connect");

        await Gen.Select(Gen.UInt.Array[24], Gen.Int[0, 3], Gen.Int[1, 4]).SampleAsync(async (choices, mutation, count) =>
        {
            using var call = invoker.AsyncDuplexStreamingCall(connect, null, new CallOptions(world.Member.Auth, DateTime.UtcNow.AddSeconds(30)));
            // A write fails once the server has ended the stream (an event over the size limit, say): its status is read below.
            async Task<bool> WriteAsync(byte[] bytes)
            {
                try
                {
                    await call.RequestStream.WriteAsync(bytes);
                    return true;
                }
                catch (RpcException)
                {
                    return false;
                }
            }

            var open = await WriteAsync(new ClientEvent { Hello = new Hello() }.ToByteArray());
            var pick = new Choices(choices, world);
            for (var i = 0; i < count && open; i++)
            {
                var clientEvent = (ClientEvent)Fill(ClientEvent.Descriptor, pick, depth: 0, skipHello: true);
                open = await WriteAsync(Mutate(clientEvent.ToByteArray(), choices, i == count - 1 ? mutation : 0));
            }

            // A barrier: a mark with a malformed id is refused on a stream that still reads.
            _ = open && await WriteAsync(new ClientEvent { MarkRead = new MarkReadRequest { ConversationId = "barrier", Seq = 1 } }.ToByteArray());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                while (await call.ResponseStream.MoveNext(timeout.Token))
                {
                    var answer = ServerEvent.Parser.ParseFrom(call.ResponseStream.Current);
                    if (answer.Rejected is { ConversationId: "barrier" })
                    {
                        return;
                    }
                }

                Assert.Fail("the stream ended with OK before the barrier was answered");
            }
            catch (RpcException e)
            {
                AssertProper(e, "Connect");
            }

            // The stream ended with a proper status: a new one on the same device works.
            await using var again = await DeviceStream.ConnectAsync(host.Channel, world.Member);
            await again.MarkReadAsync("barrier", 1);
            await again.RejectedAsync(RequestRejected.Types.Request.MarkRead);
        }, iter: StreamIterations, threads: 1);
    }

    private static void AssertProper(RpcException e, string what)
    {
        Assert.False(e.StatusCode is StatusCode.Unknown or StatusCode.Internal or StatusCode.DataLoss or StatusCode.Unimplemented or StatusCode.DeadlineExceeded,
            $"{what} answered {e.StatusCode}: {e.Status.Detail}");
        Assert.True(e.GetRpcStatus()?.GetDetail<ErrorInfo>() is not null, $"{what} answered {e.StatusCode} without ErrorInfo: {e.Status.Detail}");
    }

    /// <summary>A member of a direct chat and a group, with a message in each: ids that lead somewhere, for the fields.</summary>
    private async Task<World> WorldAsync()
    {
        var member = await host.Channel.RegisterAndLoginAsync();
        var other = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(member, other);
        var group = await host.Channel.CreateGroupAsync(member, "fuzzed", [other]);
        await host.Channel.SendAsync(member, chat.ConversationId, "hello");
        await host.Channel.SendAsync(other, group.ConversationId, "hello");
        return new World(member, [member.UserId, other.UserId, other.DeviceId, chat.ConversationId, group.ConversationId]);
    }

    /// <summary>Sets every field of a message of <paramref name="type"/> from the choices; messages nest two deep.</summary>
    private static IMessage Fill(MessageDescriptor type, Choices pick, int depth, bool skipHello = false)
    {
        var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
        var fields = type.Fields.InFieldNumberOrder();
        // Of a oneof, one member at most.
        var oneofChosen = type.Oneofs.ToDictionary(o => o, o => pick.Next(o.Fields.Count + 1) - 1);
        foreach (var field in fields)
        {
            if (field.ContainingOneof is { } oneof && (oneofChosen[oneof] < 0 || oneof.Fields[oneofChosen[oneof]] != field))
            {
                continue;
            }

            if (skipHello && field.Name == "hello")
            {
                continue;
            }

            if (field.IsRepeated)
            {
                if (field.IsMap)
                {
                    continue;
                }

                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                var count = pick.Next(4) switch { 0 => 0, 1 => 1, 2 => 3, _ => 600 };
                for (var i = 0; i < count; i++)
                {
                    if (Value(field, pick, depth) is { } item)
                    {
                        list.Add(item);
                    }
                }
            }
            else if (Value(field, pick, depth) is { } value)
            {
                field.Accessor.SetValue(message, value);
            }
        }

        return message;
    }

    private static object? Value(FieldDescriptor field, Choices pick, int depth) => field.FieldType switch
    {
        FieldType.String => pick.String(),
        FieldType.Bool => pick.Next(2) == 1,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => pick.OneOf(0, 1, -1, 2, 50, 101, 1000, int.MaxValue, int.MinValue),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => pick.OneOf(0L, 1L, -1L, 2L, 3L, 1_000_000L, long.MaxValue, long.MinValue),
        FieldType.UInt32 or FieldType.Fixed32 => pick.OneOf(0u, 1u, uint.MaxValue),
        FieldType.UInt64 or FieldType.Fixed64 => pick.OneOf(0ul, 1ul, ulong.MaxValue),
        FieldType.Double => pick.OneOf(0d, -1d, double.NaN, double.MaxValue),
        FieldType.Float => pick.OneOf(0f, -1f, float.NaN),
        FieldType.Bytes => ByteString.CopyFrom(new byte[pick.Next(3) * 700]),
        FieldType.Enum => pick.OneOf(0, 1, 2, 3, 4, 99, -1),
        FieldType.Message when depth < 2 && pick.Next(3) > 0 => Fill(field.MessageType, pick, depth + 1),
        _ => null,
    };

    /// <summary>The encoding as is, or broken after the fact: a flipped byte, a cut, or garbage appended.</summary>
    private static byte[] Mutate(byte[] bytes, uint[] choices, int mutation)
    {
        if (bytes.Length == 0 || mutation == 0)
        {
            return bytes;
        }

        var copy = bytes.ToArray();
        var at = (int)(choices[0] % (uint)copy.Length);
        return mutation switch
        {
            1 => Flip(copy, at, (byte)(choices[1] | 1)),
            2 => copy[..at],
            _ => [.. copy, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],
        };

        static byte[] Flip(byte[] b, int at, byte with)
        {
            b[at] ^= with;
            return b;
        }
    }

    private sealed record World(TestSession Member, IReadOnlyList<string> Ids);

    /// <summary>The drawn numbers, taken in turn (round and round), as choices among the values that break code.</summary>
    private sealed class Choices(uint[] drawn, World world)
    {
        private int _next;

        public int Next(int count) => (int)(drawn[_next++ % drawn.Length] % (uint)count);

        public T OneOf<T>(params T[] values) => values[Next(values.Length)];

        public string String() => Next(11) switch
        {
            0 => "",
            1 => "\0",
            2 => "not-an-id",
            3 => Guid.NewGuid().ToString(),
            4 => world.Ids[Next(world.Ids.Count)],
            5 => new string('x', 70_000),
            6 => "👨‍👩‍👧‍👦",
            7 => " ",
            8 => "%%%",
            9 => "a\u0001b",
            _ => "ordinary text",
        };
    }
}
