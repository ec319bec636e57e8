using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ChatMonolith.Protos.Notifications.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Modules.Notifications.Tests.Fakes;

/// <summary>
/// A Web Push service (RFC 8030) on loopback over TLS, that does what a browser and its push service do between them:
/// it makes subscriptions (a P-256 key pair and an auth secret per subscription, as a browser does), verifies the
/// VAPID JWT (RFC 8292) against the server's public key, and decrypts each aes128gcm payload (RFC 8291 and 8188) with
/// the subscription's private key. What it decrypted is in <see cref="Received"/>.
/// </summary>
public sealed class FakeWebPush : IAsyncDisposable
{
    private static readonly string[] KeptHeaders = ["TTL", "Urgency", "Topic"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (ECDiffieHellman Key, byte[] Auth)> _subscriptions = new();
    private readonly ScriptedAnswers _answers = new();

    private FakeWebPush(WebApplication app, (string PublicKey, string PrivateKey) vapid)
    {
        _app = app;
        Vapid = vapid;
    }

    /// <summary>The server's VAPID key pair, base64url, for its configuration.</summary>
    public (string PublicKey, string PrivateKey) Vapid { get; }

    /// <summary>Each push accepted and decrypted: the subscription, the headers that matter and the JSON it said.</summary>
    public Channel<WebPushDelivery> Received { get; } = Channel.CreateUnbounded<WebPushDelivery>();

    /// <summary>Requests refused for their VAPID token, encoding or headers; a test that expects none checks it is empty.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeWebPush> StartAsync(LoopbackTls tls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(tls.ServerCertificate)));
        builder.Logging.ClearProviders();
        var fake = new FakeWebPush(builder.Build(), Testing.WebPushSubscriptions.VapidKeys());
        fake._app.MapPost("/push/{id}", fake.PushAsync);
        await fake._app.StartAsync();
        fake.BaseUrl = new Uri(fake._app.Urls.First() + "/");
        return fake;
    }

    /// <summary>A new subscription at this service, as a browser's <c>pushManager.subscribe</c> makes one.</summary>
    public WebPushTarget Subscribe()
    {
        var id = Guid.NewGuid().ToString("N");
        var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        _subscriptions[id] = (key, auth);
        var point = key.ExportParameters(false).Q;
        return new WebPushTarget
        {
            Endpoint = new Uri(BaseUrl, $"push/{id}").ToString(),
            P256Dh = Base64Url.EncodeToString([0x04, .. point.X!, .. point.Y!]),
            Auth = Base64Url.EncodeToString(auth),
        };
    }

    /// <summary>The next pushes to <paramref name="endpoint"/> answer these statuses, in turn, before the fake accepts again.</summary>
    public void AnswerNext(string endpoint, params int[] statuses) =>
        _answers.Enqueue(endpoint, statuses);

    private async Task<IResult> PushAsync(HttpRequest request, string id)
    {
        var endpoint = new Uri(BaseUrl, $"push/{id}").ToString();
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            return Results.StatusCode(404);
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var problem = VapidProblem(request.Headers) ?? HeaderProblem(request.Headers);
        string? json = null;
        if (problem is null)
        {
            try
            {
                json = Decrypt(buffer.ToArray(), subscription.Key, subscription.Auth);
            }
            catch (CryptographicException e)
            {
                problem = $"the payload does not decrypt with the subscription's key: {e.Message}";
            }
        }

        if (problem is not null)
        {
            Refusals.Enqueue(problem);
            return Results.StatusCode(problem.StartsWith("vapid", StringComparison.Ordinal) ? 403 : 400);
        }

        if (_answers.TryNext(endpoint, out var status))
        {
            return Results.StatusCode(status);
        }

        var headers = KeptHeaders.ToDictionary(h => h, h => request.Headers[h].ToString());
        using var payload = JsonDocument.Parse(json!);
        await Received.Writer.WriteAsync(new WebPushDelivery(endpoint, headers, payload.RootElement.Clone()));
        request.HttpContext.Response.Headers.Location = new Uri(BaseUrl, $"message/{Guid.NewGuid():N}").ToString();
        return Results.StatusCode(201);
    }

    /// <summary>
    /// RFC 8292 in either of its spellings: <c>Authorization: vapid t=JWT, k=KEY</c>, or the older
    /// <c>Authorization: WebPush JWT</c> with <c>Crypto-Key: p256ecdsa=KEY</c>. The key must be the server's, and the
    /// JWT an ES256 one for this service's origin, unexpired and at most a day long, with a subject.
    /// </summary>
    private string? VapidProblem(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        string jwt, key;
        if (authorization.StartsWith("vapid ", StringComparison.OrdinalIgnoreCase))
        {
            var fields = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
                .Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
            jwt = fields.GetValueOrDefault("t", "");
            key = fields.GetValueOrDefault("k", "");
        }
        else if (authorization.StartsWith("WebPush ", StringComparison.OrdinalIgnoreCase))
        {
            jwt = authorization["WebPush ".Length..].Trim();
            key = headers["Crypto-Key"].ToString().Split(';', StringSplitOptions.TrimEntries)
                .FirstOrDefault(p => p.StartsWith("p256ecdsa=", StringComparison.Ordinal))?["p256ecdsa=".Length..] ?? "";
        }
        else
        {
            return "vapid: no VAPID authorization";
        }

        if (key.TrimEnd('=') != Vapid.PublicKey.TrimEnd('='))
        {
            return "vapid: not the server's public key";
        }

        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return "vapid: not a JWT";
        }

        var point = Base64Url.DecodeFromChars(key.TrimEnd('='));
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        if (!verifier.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256))
        {
            return "vapid: the JWT's signature does not verify with the server's public key";
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var root = claims.RootElement;
        // The origin as scheme and host: Lib.Net.Http.WebPush leaves the port out of aud, which is the origin itself
        // on the 443 where every real push service listens, but not on this fake's loopback port.
        var audience = root.GetProperty("aud").GetString();
        var origin = $"{BaseUrl.Scheme}://{BaseUrl.Host}";
        if (audience != origin)
        {
            return $"vapid: aud {audience} is not this push service's origin {origin}";
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64());
        if (expires < DateTimeOffset.UtcNow || expires > DateTimeOffset.UtcNow.AddHours(24).AddMinutes(1))
        {
            return "vapid: exp is past, or more than a day away";
        }

        return root.TryGetProperty("sub", out var subject) && subject.GetString()?.Length > 0 ? null : "vapid: no sub";
    }

    private static string? HeaderProblem(IHeaderDictionary headers)
    {
        if (headers.ContentEncoding.ToString() != "aes128gcm")
        {
            return "Content-Encoding is not aes128gcm";
        }

        if (!int.TryParse(headers["TTL"], out var ttl) || ttl < 0)
        {
            return "no TTL";
        }

        var topic = headers["Topic"].ToString();
        return topic.Length is 0 or > 32 || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? "Topic is missing, or not 32 base64url characters at most"
            : null;
    }

    /// <summary>RFC 8291: the content-encryption key and nonce from the ECDH secret and the auth secret; RFC 8188's one record.</summary>
    private static string Decrypt(byte[] body, ECDiffieHellman subscriptionKey, byte[] auth)
    {
        var salt = body[..16];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
        var keyIdLength = body[20];
        var senderPoint = body[21..(21 + keyIdLength)];
        var cipherText = body[(21 + keyIdLength)..];
        if (keyIdLength != 65 || senderPoint[0] != 0x04 || cipherText.Length > recordSize)
        {
            throw new CryptographicException("the header is not one record with the sender's P-256 key as its key id");
        }

        using var sender = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = senderPoint[1..33], Y = senderPoint[33..] },
        });
        var shared = subscriptionKey.DeriveRawSecretAgreement(sender.PublicKey);
        var receiverPoint = subscriptionKey.ExportParameters(false).Q;
        byte[] keyInfo = [.. "WebPush: info\0"u8, 0x04, .. receiverPoint.X!, .. receiverPoint.Y!, .. senderPoint];
        var inputKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, auth, keyInfo);
        var contentKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, 16, salt, "Content-Encoding: aes128gcm\0"u8.ToArray());
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, inputKey, 12, salt, "Content-Encoding: nonce\0"u8.ToArray());

        var plain = new byte[cipherText.Length - 16];
        using (var aes = new AesGcm(contentKey, 16))
        {
            aes.Decrypt(nonce, cipherText[..^16], cipherText[^16..], plain);
        }

        // The last record ends with the delimiter 0x02, then any padding of zeros.
        var end = Array.FindLastIndex(plain, b => b != 0);
        if (end < 0 || plain[end] != 0x02)
        {
            throw new CryptographicException("the record does not end with the last-record delimiter");
        }

        return Encoding.UTF8.GetString(plain, 0, end);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        foreach (var (key, _) in _subscriptions.Values)
        {
            key.Dispose();
        }
    }
}

/// <summary>One push that <see cref="FakeWebPush"/> accepted, with the JSON it decrypted.</summary>
public sealed record WebPushDelivery(string Endpoint, IReadOnlyDictionary<string, string> Headers, JsonElement Payload);
