using System.Collections.Concurrent;
using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Host.Tests;

/// <summary>
/// Every log line the host writes, at every level and from every category, while clients log in, register and
/// refresh, rightly and wrongly: no password, token or key may be in any of them, and a client's own mistake is
/// never an Error.
/// </summary>
public sealed class SecretsInLogsTests(SecretsInLogsTests.CapturingHost host) : IClassFixture<SecretsInLogsTests.CapturingHost>
{
    [Fact]
    public async Task Given_logins_registrations_and_refreshes_that_succeed_and_fail_When_every_level_is_logged_Then_no_secret_appears_and_no_client_error_is_an_Error()
    {
        var identity = host.Channel.Identity();
        var secrets = new List<string> { CapturingHost.Key, CapturingHost.VapidPrivateKey };
        string Secret(string what)
        {
            var secret = $"{what}-{Guid.NewGuid():N}";
            secrets.Add(secret);
            return secret;
        }

        var username = IdentityTestClient.UniqueUsername("alice");
        var password = Secret("pw");
        await identity.RegisterAsync(new RegisterRequest { Username = username, DisplayName = "Alice", Password = password });

        // Registrations refused after the hash (taken name), before it (too short), and for another field (NUL name).
        await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists, () => identity.RegisterAsync(
            new RegisterRequest { Username = username, DisplayName = "Twin", Password = Secret("taken") }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => identity.RegisterAsync(
            new RegisterRequest { Username = IdentityTestClient.UniqueUsername(), DisplayName = "Short", Password = "s3cr" }).ResponseAsync);
        secrets.Add("s3cr");
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => identity.RegisterAsync(
            new RegisterRequest { Username = IdentityTestClient.UniqueUsername(), DisplayName = "Nul\0", Password = Secret("nul") }).ResponseAsync);

        // Logins: a wrong password, an unknown user, and the right password in a call that fails for another reason.
        var wrong = await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.LoginAsync(Login(username, Secret("wrong"))).ResponseAsync);
        Assert.Equal("INVALID_CREDENTIALS", wrong.Reason());
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.LoginAsync(Login(IdentityTestClient.UniqueUsername(), Secret("unknown"))).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => identity.LoginAsync(Login(username, password, deviceName: "bad\0name")).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => identity.LoginAsync(Login(username, password, platform: Platform.Unspecified)).ResponseAsync);

        var login = await identity.LoginAsync(Login(username, password));
        secrets.Add(login.Tokens.AccessToken);
        secrets.Add(login.Tokens.RefreshToken);
        await identity.ListDevicesAsync(new ListDevicesRequest(), TestSession.Bearer(login.Tokens.AccessToken));

        // Refreshes: two rotations, a replay of the first token (its successor is used: reuse, which revokes the
        // device), and a token never issued.
        var first = await identity.RefreshAsync(new RefreshRequest { RefreshToken = login.Tokens.RefreshToken });
        secrets.Add(first.Tokens.AccessToken);
        secrets.Add(first.Tokens.RefreshToken);
        var refreshed = await identity.RefreshAsync(new RefreshRequest { RefreshToken = first.Tokens.RefreshToken });
        secrets.Add(refreshed.Tokens.AccessToken);
        secrets.Add(refreshed.Tokens.RefreshToken);
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.RefreshAsync(new RefreshRequest { RefreshToken = login.Tokens.RefreshToken }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.RefreshAsync(new RefreshRequest { RefreshToken = Secret("forged") }).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.ListDevicesAsync(
            new ListDevicesRequest(), TestSession.Bearer(refreshed.Tokens.AccessToken)).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => identity.ListDevicesAsync(
            new ListDevicesRequest(), TestSession.Bearer(Secret("not.a.token"))).ResponseAsync);

        // Push registrations: an FCM token, a Web Push subscription (its endpoint and keys), and a refused one.
        var notifications = new NotificationsService.NotificationsServiceClient(host.Channel);
        var secondDevice = await identity.LoginAsync(Login(username, password, deviceName: "laptop"));
        secrets.Add(secondDevice.Tokens.AccessToken);
        secrets.Add(secondDevice.Tokens.RefreshToken);
        var auth = TestSession.Bearer(secondDevice.Tokens.AccessToken);
        var fcmToken = Secret("fcm");
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { Fcm = new FcmTarget { RegistrationToken = fcmToken } }, auth);
        var subscription = WebPushSubscriptions.Create($"https://fcm.googleapis.com/fcm/send/{Secret("endpoint")}");
        secrets.AddRange([subscription.P256Dh, subscription.Auth]);
        await notifications.SetPushTargetAsync(new SetPushTargetRequest { WebPush = subscription }, auth);
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => notifications.SetPushTargetAsync(
            new SetPushTargetRequest { WebPush = new WebPushTarget(subscription) { Auth = "%" + Secret("auth") } }, auth).ResponseAsync);

        var lines = host.Lines.ToArray();
        // The capture works: the refused login above was logged, at Debug, by what it was.
        Assert.Contains(lines, l => l.Level == LogLevel.Debug && l.Text.Contains("INVALID_CREDENTIALS", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            var leak = lines.FirstOrDefault(l => l.Text.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"A secret ({secret[..Math.Min(4, secret.Length)]}…) is in a log line: [{leak?.Level}] {leak?.Category}: {leak?.Text}");
        }

        var errors = lines.Where(l => l.Level >= LogLevel.Error).ToArray();
        Assert.True(errors.Length == 0, "Errors were logged:\n" + string.Join("\n", errors.Select(e => $"[{e.Level}] {e.Category}: {e.Text}")));
    }

    private static LoginRequest Login(string username, string password, string deviceName = "phone", Platform platform = Platform.Android) =>
        new() { Username = username, Password = password, DeviceName = deviceName, Platform = platform };

    public sealed record LogLine(LogLevel Level, string Category, string Text);

    /// <summary>A host on a fresh database whose every logger, at Trace, also writes here: message, state, scopes and exception.</summary>
    public sealed class CapturingHost : ChatHostFixture
    {
        public static readonly string Key = $"signing-key-{Guid.NewGuid():N}";

        private static readonly (string Public, string Private) Vapid = WebPushSubscriptions.VapidKeys();

        public static readonly string VapidPrivateKey = Vapid.Private;

        public ConcurrentQueue<LogLine> Lines { get; } = new();

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("Identity:SigningKey", Key),
            new("Notifications:Fcm:ServiceAccountFile", Path.Combine(Path.GetTempPath(), "fcm-service-account.json")),
            new("Notifications:WebPush:VapidPublicKey", Vapid.Public),
            new("Notifications:WebPush:VapidPrivateKey", VapidPrivateKey),
            new("Notifications:WebPush:Subject", "mailto:ops@example.com"),
            new("Logging:LogLevel:Default", "Trace"),
            new("Logging:LogLevel:Microsoft", "Trace"),
            new("Logging:LogLevel:Microsoft.AspNetCore", "Trace"),
            new("Logging:LogLevel:Microsoft.AspNetCore.DataProtection", "Trace"),
            new("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Trace"),
            new("Logging:LogLevel:Wolverine", "Trace"),
            new("Logging:LogLevel:JasperFx", "Trace"),
            new("Logging:LogLevel:Grpc", "Trace"),
            // The console too, at its own level, so that the console formatter's path runs as well.
            new("Logging:Console:LogLevel:Default", "None"),
        ];

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton<ILoggerProvider>(new Provider(Lines));

        private sealed class Provider(ConcurrentQueue<LogLine> lines) : ILoggerProvider, ISupportExternalScope
        {
            private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

            public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines, () => _scopes);

            public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

            public void Dispose()
            {
            }
        }

        private sealed class Logger(string category, ConcurrentQueue<LogLine> lines, Func<IExternalScopeProvider> scopes) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => scopes().Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new System.Text.StringBuilder(formatter(state, exception));
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        text.Append(" | ").Append(key).Append('=').Append(value);
                    }
                }

                scopes().ForEachScope((scope, builder) => builder.Append(" | scope ").Append(scope), text);
                if (exception is not null)
                {
                    text.Append(" | ").Append(exception);
                }

                lines.Enqueue(new LogLine(logLevel, category, text.ToString()));
            }
        }
    }
}
