using System.Net;
using System.Text.Json;
using ChatMonolith.Testing;
using Grpc.Health.V1;
using HealthClient = Grpc.Health.V1.Health.HealthClient;
using Grpc.Reflection.V1Alpha;

namespace ChatMonolith.Host.Tests;

public sealed class HealthAndReflectionTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_a_running_host_When_asking_the_grpc_health_service_Then_it_reports_serving()
    {
        var health = await new HealthClient(host.Channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Given_a_running_host_When_asking_healthz_Then_postgres_and_redis_are_both_healthy()
    {
        using var http = new HttpClient { BaseAddress = host.WebAddress };
        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        var checks = report.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Given_a_running_host_When_asking_reflection_for_its_services_Then_every_module_service_is_listed()
    {
        using var call = new ServerReflection.ServerReflectionClient(host.Channel)
            .ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(10));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("chat.identity.v1.IdentityService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }
}
