using ChatMonolith.BuildingBlocks.Observability;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatMonolith.Host.Composition;

/// <summary>
/// Metrics and traces (docs/adr/0019). The modules' own meters (<c>ChatMonolith.*</c>) and ASP.NET Core's and
/// Npgsql's go to a Prometheus scrape endpoint on a listener of its own (<see cref="ChatHostOptions.MetricsPort"/>).
/// Traces go out over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; without it no span is even made.
/// </summary>
internal static class TelemetryRegistration
{
    public static void AddTelemetry(this WebApplicationBuilder builder, ChatHostOptions options)
    {
        builder.Services.AddSingleton<ErrorMetrics>();
        var metricsOn = options.MetricsPort >= 0;
        var tracesOn = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!metricsOn && !tracesOn)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("chatmonolith"));
        if (metricsOn)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(ChatMeters.Prefix + "*")
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql")
                .AddPrometheusExporter());
        }

        if (tracesOn)
        {
            telemetry.WithTracing(traces => traces
                .AddSource(ChatMeters.Prefix + "*")
                .AddAspNetCoreInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter());
        }
    }

    /// <summary>Answers <c>GET /metrics</c> on the metrics listener only.</summary>
    public static void UseMetricsEndpoint(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<HostEndpoints>();
        if (endpoints.Metrics is null)
        {
            return;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Connection.LocalPort == endpoints.MetricsPort && context.Request.Path == "/metrics");
    }
}
