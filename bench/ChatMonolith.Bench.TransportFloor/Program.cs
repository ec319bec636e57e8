using ChatMonolith.Bench.TransportFloor;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// The bench's floor: the host's gRPC contract served from memory, with nothing stored and nothing checked beyond what
// routing needs. `scripts/bench-floor direct ...` drives it with the same load generator and the same options as the
// host, so the difference between the two is what storage, validation and the modules cost per message.
var builder = WebApplication.CreateSlimBuilder(args);
var grpcPort = builder.Configuration.GetValue("Host:GrpcPort", 5080);
var webPort = builder.Configuration.GetValue("Host:WebPort", 5081);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    // As the host: pings for dead connections, HTTP/2 only on the native port, HTTP/1.1 beside it for health.
    kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
    kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
    kestrel.ListenLocalhost(grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
    kestrel.ListenLocalhost(webPort, listen => listen.Protocols = HttpProtocols.Http1);
});
builder.Services.AddGrpc();
builder.Services.AddSingleton<FloorState>();

var app = builder.Build();
app.MapGrpcService<FloorIdentityService>();
app.MapGrpcService<FloorConversationService>();
app.MapGrpcService<FloorChatStreamService>();
app.MapGet("/healthz", () => "ok");
app.Run();
