using System.Net;
using ChatMonolith.BuildingBlocks.Grpc;
using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.Host.Health;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatMonolith.Host.Composition;

/// <summary>Builds the web application that hosts every module: endpoints, gRPC, health, Redis, Wolverine.</summary>
public static class ChatHost
{
    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromMilliseconds(800);

    /// <param name="args">Command line arguments; <c>--Section:Key=value</c> overrides configuration.</param>
    /// <param name="modules">The modules to host, in the order their services are registered.</param>
    /// <param name="configure">A last say over the builder, for tests.</param>
    public static WebApplication Build(string[] args, IReadOnlyList<IModule> modules, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(ChatHost).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        var options = builder.Configuration.GetSection(ChatHostOptions.Section).Get<ChatHostOptions>() ?? new ChatHostOptions();
        var shape = DeploymentShape.For(options.Runs, modules);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTimeout);
        ConfigureEndpoints(builder, options);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            grpc.Interceptors.Add<AuthenticationRequiredInterceptor>();
        });
        builder.Services.AddMalformedRequestAnswers();
        builder.Services.AddGrpcReflection();
        var health = builder.Services.AddGrpcHealthChecks()
            // Each check gives up after a second, so /healthz answers in time whatever hangs.
            .AddCheck<PostgresHealthCheck>("postgres", timeout: HealthCheckTimeout);
        if (shape.Runs != HostRuns.Notifications)
        {
            health.AddCheck<RedisHealthCheck>("redis", failureStatus: HealthStatus.Degraded, timeout: HealthCheckTimeout);
        }

        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins(options.CorsOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders("Grpc-Status", "Grpc-Message", "Grpc-Encoding", "Grpc-Accept-Encoding", "Grpc-Status-Details-Bin")));
        builder.Services.AddWebApp();
        builder.AddPostgres();
        // Notifications' work needs no Redis: presence and routing are the host's.
        if (shape.Runs != HostRuns.Notifications)
        {
            builder.AddRedis();
        }

        builder.AddTelemetry(options);

        foreach (var module in shape.Services)
        {
            module.AddServices(builder.Services, builder.Configuration);
        }

        foreach (var module in shape.Work)
        {
            module.AddWork(builder.Services, builder.Configuration);
        }

        builder.AddWolverine(shape, options.QueuePollingInterval);

        var app = builder.Build();
        app.UseMetricsEndpoint();
        app.UseCors();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseGrpcStatusDetails();
        if (shape.Endpoints.Count > 0)
        {
            app.UseAuthentication();
        }

        app.UseWebApp(options.WebRoot);

        app.MapGrpcHealthChecksService().AllowAnonymous();
        if (options.EnableReflection)
        {
            app.MapGrpcReflectionService().AllowAnonymous();
        }

        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        foreach (var module in shape.Endpoints)
        {
            module.MapEndpoints(app);
        }

        return app;
    }

    private static void ConfigureEndpoints(WebApplicationBuilder builder, ChatHostOptions options)
    {
        var endpoints = new HostEndpoints();
        builder.Services.AddSingleton(endpoints);
        var address = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Streams live for hours: pings find connections that died without a goodbye.
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            // Without TLS there is no ALPN: one listener speaks HTTP/2 only (native gRPC), the other HTTP/1.1 (gRPC-Web).
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                endpoints.Grpc = listen;
            });
            kestrel.Listen(address, options.WebPort, listen =>
            {
                // HTTP/2 beside HTTP/1.1 needs ALPN, so TLS; behind a TLS-terminating proxy the endpoint is HTTP/1.1.
                if (string.IsNullOrEmpty(options.CertificatePath))
                {
                    listen.Protocols = HttpProtocols.Http1;
                }
                else
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(options.CertificatePath, options.CertificatePassword);
                    endpoints.WebUsesTls = true;
                }

                endpoints.Web = listen;
            });
            if (options.MetricsPort >= 0)
            {
                kestrel.Listen(IPAddress.Parse(options.MetricsBindAddress), options.MetricsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    endpoints.Metrics = listen;
                });
            }
        });
    }
}
