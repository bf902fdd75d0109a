using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.IntegrationTests.Infrastructure.Otlp;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Infrastructure;

internal static class TestingBuilderExtensions
{
    /// <summary>
    /// Every service exports its traces, logs and metrics over OTLP/HTTP to <paramref name="collector"/> instead of
    /// the dashboard the testing builder points them at (it does not run in tests), in short batches so that a test
    /// reads them within a second or so.
    /// </summary>
    public static IDistributedApplicationTestingBuilder WithOtlpExportTo(
        this IDistributedApplicationTestingBuilder builder, OtlpCollector collector)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                foreach (var key in context.EnvironmentVariables.Keys
                    .Where(k => k.StartsWith("OTEL_EXPORTER_OTLP", StringComparison.Ordinal))
                    .ToList())
                {
                    context.EnvironmentVariables.Remove(key);
                }

                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString().TrimEnd('/');
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "200";
                context.EnvironmentVariables["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
                context.EnvironmentVariables["OTEL_METRIC_EXPORT_INTERVAL"] = "500";
            });
        }

        return builder;
    }

    /// <summary>
    /// Every test reaches the stack's API and identity service from the loopback address, so the budgets for requests without an
    /// academy's token (per address, per academy host) would be one budget shared by the whole suite's negative
    /// tests, as behind a proxy that forwards no address. Those budgets are raised for the stack; their limits are
    /// tested on an API of their own (Tenancy/RateLimiting). The members' budget keeps its configured value.
    /// </summary>
    public static IDistributedApplicationTestingBuilder WithSuiteSizedStrangerBudgets(this IDistributedApplicationTestingBuilder builder)
    {
        // The identity service too: every sign-in request is a stranger's, and the suite signs in many times per academy.
        var services = builder.Resources.OfType<ProjectResource>().Where(p => p.Name is ResourceNames.Api or ResourceNames.Identity);
        foreach (var service in services)
        {
            foreach (var bucket in new[] { "Strangers", "Address" })
            {
                builder.CreateResourceBuilder(service)
                    .WithEnvironment($"Tenancy__RateLimits__{bucket}__PermitsPerSecond", "100000")
                    .WithEnvironment($"Tenancy__RateLimits__{bucket}__Burst", "100000");
            }
        }

        return builder;
    }
}
