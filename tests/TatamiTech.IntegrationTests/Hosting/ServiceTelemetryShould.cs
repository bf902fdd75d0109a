using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// Run locally, a service drops an OTLP export that fails instead of retrying it: on a stop the dashboard
/// goes first, and with retries each service spent the exporter's 10 s timeout before it could exit.
/// </summary>
public sealed class ServiceTelemetryShould
{
    [Fact]
    public async Task DropAFailedExportWhenRunLocally()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local"], timeout.Token);

        string[] services =
            [ResourceNames.Migrations, ResourceNames.Api, ResourceNames.Worker, ResourceNames.Platform, ResourceNames.Identity];
        Assert.Equal(services.Order(), builder.Resources.OfType<ProjectResource>().Select(r => r.Name).Order());
        foreach (var service in services)
        {
            // The resource's environment callbacks, in order, as the AppHost runs them; the values are left
            // unresolved (resolving an endpoint would wait for a run that never starts here).
            var resource = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == service);
            var variables = new Dictionary<string, object>();
            var context = new EnvironmentCallbackContext(builder.ExecutionContext, resource, variables, timeout.Token);
            foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(context);
            }

            Assert.True(variables.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"), $"{service} exports no telemetry to override.");
            Assert.Equal(string.Empty, variables[ConfigurationKeys.OtlpExportRetry]);
        }
    }
}
