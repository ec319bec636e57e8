using ChatMonolith.Modules.Notifications.Contracts;
using System.Buffers.Text;
using System.Text.RegularExpressions;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Notifications.Features.Targets;

/// <summary>
/// The calling device's push target. <paramref name="Address"/> is the FCM registration token, the APNs device
/// token or the Web Push endpoint; with the Web Push keys, all are secrets (whoever has them can push to the device).
/// </summary>
public sealed record SetPushTarget(
    Caller Caller, int Provider, Secret Address, string ApnsTopic, int ApnsEnvironment, Secret WebPushP256dh, Secret WebPushAuth);

public static class SetPushTargetHandler
{
    public static async Task<(PushTargetView, PushTargetChanged)> Handle(
        SetPushTarget command, NotificationsDbContext db, PushTargetRules rules, TimeProvider clock, CancellationToken cancellationToken)
    {
        var target = rules.Check(command);
        target.UpdatedAt = clock.GetUtcNow();
        // An upsert: a device that sets its target twice at once (two app starts) keeps one, the later.
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO notifications.push_targets
                (user_id, device_id, provider, address, apns_topic, apns_environment, web_push_p256dh, web_push_auth, updated_at)
            VALUES ({target.UserId}, {target.DeviceId}, {(short)target.Provider}, {target.Address}, {target.ApnsTopic}, {(short?)target.ApnsEnvironment},
                {target.WebPushP256dh}, {target.WebPushAuth}, {target.UpdatedAt})
            ON CONFLICT (user_id, device_id) DO UPDATE SET
                provider = EXCLUDED.provider, address = EXCLUDED.address, apns_topic = EXCLUDED.apns_topic,
                apns_environment = EXCLUDED.apns_environment, web_push_p256dh = EXCLUDED.web_push_p256dh,
                web_push_auth = EXCLUDED.web_push_auth, updated_at = EXCLUDED.updated_at
            """,
            cancellationToken);
        return (PushTargetView.Of(target), new PushTargetChanged(target.UserId, target.DeviceId, HasTarget: true, target.UpdatedAt));
    }
}

/// <summary>What a push target must be, per provider, before it is stored; and which providers this deployment has.</summary>
public sealed partial class PushTargetRules
{
    private readonly NotificationsOptions _options;

    internal PushTargetRules(IOptions<NotificationsOptions> options) => _options = options.Value;

    [GeneratedRegex("^[A-Za-z0-9_:-]{1,4096}$")]
    private static partial Regex FcmToken();

    [GeneratedRegex("^[0-9A-Fa-f]{64,200}$")]
    private static partial Regex ApnsToken();

    // A reverse-DNS bundle id, as Apple allows them (letters, digits, '-' and '.'), with VoIP and other suffixes.
    [GeneratedRegex("^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$")]
    private static partial Regex BundleId();

    /// <summary>What browsers subscribe with (applicationServerKey), where this deployment pushes through Web Push.</summary>
    internal string WebPushPublicKey => IsConfigured(PushProvider.WebPush)
        ? _options.WebPush.VapidPublicKey
        : throw ChatException.FailedPrecondition("PROVIDER_NOT_CONFIGURED", $"This server does not push through {Name(PushProvider.WebPush)}: its operator has not configured it.");

    internal bool IsConfigured(PushProvider provider) => provider switch
    {
        PushProvider.Fcm => _options.Fcm.IsConfigured,
        PushProvider.Apns => _options.Apns.IsConfigured,
        PushProvider.WebPush => _options.WebPush.IsConfigured,
        _ => false,
    };

    internal PushTarget Check(SetPushTarget command)
    {
        var provider = (PushProvider)command.Provider;
        if (!Enum.IsDefined(provider))
        {
            throw ChatException.InvalidArgument([new FieldViolation("target", "must be one of fcm, apns and web_push")]);
        }

        var address = command.Address.Reveal();
        var validator = new Validator();
        var target = new PushTarget { UserId = command.Caller.UserId, DeviceId = command.Caller.DeviceId, Provider = provider, Address = address };
        switch (provider)
        {
            case PushProvider.Fcm:
                validator.Require(FcmToken().IsMatch(address), "fcm.registration_token", "must be 1 to 4096 characters of A-Z, a-z, 0-9, '-', '_' and ':'");
                break;
            case PushProvider.Apns:
                validator
                    .Require(ApnsToken().IsMatch(address), "apns.device_token", "must be 64 to 200 hexadecimal characters")
                    .Require(command.ApnsTopic.Length <= PushTarget.MaxTopicLength && BundleId().IsMatch(command.ApnsTopic), "apns.topic", "must be the app's bundle id, such as com.example.chat")
                    .Require(command.ApnsEnvironment is (int)ApnsEnvironment.Production or (int)ApnsEnvironment.Sandbox, "apns.environment", "must be APNS_ENVIRONMENT_PRODUCTION or APNS_ENVIRONMENT_SANDBOX");
                target.Address = address.ToLowerInvariant();
                target.ApnsTopic = command.ApnsTopic;
                target.ApnsEnvironment = (ApnsEnvironment)command.ApnsEnvironment;
                break;
            case PushProvider.WebPush:
                var p256dh = command.WebPushP256dh.Reveal();
                var auth = command.WebPushAuth.Reveal();
                var endpointProblem = EndpointProblem(address);
                validator
                    .Require(endpointProblem is null, "web_push.endpoint", endpointProblem ?? "")
                    .Require(DecodesTo(p256dh, 65) is { } key && key[0] == 0x04, "web_push.p256dh", "must be a P-256 public key: 65 bytes, uncompressed (0x04 first), base64url")
                    .Require(DecodesTo(auth, 16) is not null, "web_push.auth", "must be 16 bytes, base64url");
                target.WebPushP256dh = p256dh;
                target.WebPushAuth = auth;
                break;
        }

        validator.ThrowIfInvalid();
        if (!IsConfigured(provider))
        {
            throw ChatException.FailedPrecondition("PROVIDER_NOT_CONFIGURED",
                $"This server does not push through {Name(provider)}: its operator has not configured it.");
        }

        return target;
    }

    internal static string Name(PushProvider provider) => provider switch
    {
        PushProvider.Fcm => "FCM",
        PushProvider.Apns => "APNs",
        _ => "Web Push",
    };

    /// <summary>Whether pushes may go to this endpoint: an https URL at an allowed push service.</summary>
    internal bool IsAllowedEndpoint(string endpoint) => EndpointProblem(endpoint) is null;

    /// <summary>Null when the endpoint is an https URL of an allowed push service; otherwise what is wrong with it.</summary>
    private string? EndpointProblem(string endpoint)
    {
        if (endpoint.Length > PushTarget.MaxAddressLength
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.UserInfo.Length > 0)
        {
            return "must be an https URL of at most 4096 characters";
        }

        var host = uri.IdnHost;
        var allowed = _options.WebPush.AllowedHosts.Any(a => a.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(a[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, a, StringComparison.OrdinalIgnoreCase));
        return allowed ? null : $"must be at a push service this server allows ({string.Join(", ", _options.WebPush.AllowedHosts)})";
    }

    private static byte[]? DecodesTo(string base64Url, int length)
    {
        var trimmed = base64Url.TrimEnd('=');
        if (trimmed.Length > 128 || !Base64Url.IsValid(trimmed, out var decodedLength) || decodedLength != length)
        {
            return null;
        }

        return Base64Url.DecodeFromChars(trimmed);
    }
}

/// <summary>A target as its owner sees it listed: no token, no keys.</summary>
public sealed record PushTargetView(Guid DeviceId, int Provider, string Detail, DateTimeOffset UpdatedAt)
{
    internal static PushTargetView Of(PushTarget target) => new(
        target.DeviceId,
        (int)target.Provider,
        target.Provider switch
        {
            PushProvider.Apns => $"{target.ApnsTopic} ({target.ApnsEnvironment?.ToString().ToLowerInvariant()})",
            PushProvider.WebPush => Uri.TryCreate(target.Address, UriKind.Absolute, out var uri) ? uri.Host : "",
            _ => "",
        },
        target.UpdatedAt);
}
