using System.Globalization;
using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Host.Tests;

/// <summary>
/// Alone, after the other test classes: a meter is found by its name, so every host in this process would count into
/// whichever exporter scrapes.
/// </summary>
[CollectionDefinition(nameof(MetricsAlone), DisableParallelization = true)]
public sealed class MetricsAlone;

[Collection(nameof(MetricsAlone))]
public sealed class MetricsTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_five_sends_a_retry_and_a_refusal_with_one_device_listening_When_Prometheus_scrapes_Then_it_reads_exactly_those_counts()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        var chat = await host.Channel.OpenDirectChatAsync(alice, bob);
        await using var bobPhone = await DeviceStream.ConnectAsync(host.Channel, bob, new ConversationCursor { ConversationId = chat.ConversationId, Seq = chat.LastSeq });
        await bobPhone.CaughtUpAsync();

        const int sends = 5;
        var lastClientMsgId = "";
        for (var i = 0; i < sends; i++)
        {
            lastClientMsgId = Guid.NewGuid().ToString();
            await host.Channel.SendAsync(alice, chat.ConversationId, $"message {i}", lastClientMsgId);
        }

        await host.Channel.SendAsync(alice, chat.ConversationId, $"message {sends - 1}", lastClientMsgId);
        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => host.Channel.SendAsync(alice, Guid.NewGuid().ToString(), "to nowhere"));
        var delivered = await bobPhone.MessagesAsync(chat.ConversationId, sends);

        var scrape = await ScrapeAsync();
        Assert.Equal(sends, delivered.Count);
        Assert.Equal(
            new Dictionary<string, double>
            {
                ["chat_sends_accepted_total"] = sends + 1,
                ["chat_sends_stored_total"] = sends,
                ["chat_send_batch_size_count"] = sends + 2,
                ["chat_send_batch_size_sum"] = sends + 2,
                ["chat_delivery_latency_milliseconds_count"] = sends,
                ["chat_catchup_messages_total"] = 0,
                ["chat_streams_open"] = 1,
                ["chat_presence_changes_total{state=\"online\"}"] = 1,
                ["chat_errors_total{code=\"NotFound\",reason=\"CONVERSATION_NOT_FOUND\"}"] = 1,
            },
            new Dictionary<string, double>
            {
                ["chat_sends_accepted_total"] = scrape.Value("chat_sends_accepted_total"),
                ["chat_sends_stored_total"] = scrape.Value("chat_sends_stored_total"),
                ["chat_send_batch_size_count"] = scrape.Value("chat_send_batch_size_count"),
                ["chat_send_batch_size_sum"] = scrape.Value("chat_send_batch_size_sum"),
                ["chat_delivery_latency_milliseconds_count"] = scrape.Value("chat_delivery_latency_milliseconds_count"),
                ["chat_catchup_messages_total"] = scrape.Value("chat_catchup_messages_total", orZero: true),
                ["chat_streams_open"] = scrape.Value("chat_streams_open"),
                ["chat_presence_changes_total{state=\"online\"}"] = scrape.Value("chat_presence_changes_total", "state=\"online\""),
                ["chat_errors_total{code=\"NotFound\",reason=\"CONVERSATION_NOT_FOUND\"}"] =
                    scrape.Value("chat_errors_total", "code=\"NotFound\"", "reason=\"CONVERSATION_NOT_FOUND\""),
            });
        // The histogram's buckets are cumulative: the last (+Inf) holds every delivery.
        Assert.Equal(sends, scrape.Value("chat_delivery_latency_milliseconds_bucket", "le=\"+Inf\""));
    }

    [Fact]
    public async Task Given_the_metrics_listener_When_a_client_asks_the_public_endpoints_for_metrics_Then_they_do_not_serve_them()
    {
        using var http = new HttpClient();
        var onWeb = await http.GetAsync(new Uri(host.WebAddress, "/metrics"));
        var onMetrics = await http.GetAsync(new Uri(host.MetricsAddress, "/metrics"));

        Assert.NotEqual(System.Net.HttpStatusCode.OK, onWeb.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, onMetrics.StatusCode);
        Assert.Contains("# TYPE chat_sends_stored_total counter", await onMetrics.Content.ReadAsStringAsync());
    }

    private async Task<Scrape> ScrapeAsync()
    {
        using var http = new HttpClient();
        return new Scrape(await http.GetStringAsync(new Uri(host.MetricsAddress, "/metrics")));
    }

    /// <summary>The Prometheus text format, read line by line: a sample is a name, optional labels, a value.</summary>
    private sealed class Scrape(string text)
    {
        private readonly string[] _samples = [.. text.Split('\n').Where(line => line.Length > 0 && line[0] != '#')];

        /// <summary>The sum of the samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
        public double Value(string name, params string[] labels) => Value(name, orZero: false, labels);

        public double Value(string name, bool orZero, params string[] labels)
        {
            var matching = _samples
                .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
                .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
                .Select(line => double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture))
                .ToList();
            Assert.True(matching.Count > 0 || orZero, $"no sample {name} {string.Join(",", labels)} in:\n{text}");
            return matching.Sum();
        }
    }
}
