using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Infrastructure;

internal static class TestingBuilderExtensions
{
    /// <summary>
    /// The testing builder still points services at a dashboard that does not run; each service then
    /// spends seconds trying to flush telemetry when it stops.
    /// </summary>
    public static IDistributedApplicationTestingBuilder WithoutOtlpExport(this IDistributedApplicationTestingBuilder builder)
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
            });
        }

        return builder;
    }

    /// <summary>
    /// Every test reaches the stack's API from the loopback address, so the budgets for requests without an
    /// academy's token (per address, per academy host) would be one budget shared by the whole suite's negative
    /// tests, as behind a proxy that forwards no address. Those budgets are raised for the stack; their limits are
    /// tested on an API of their own (Tenancy/RateLimiting). The members' budget keeps its configured value.
    /// </summary>
    public static IDistributedApplicationTestingBuilder WithSuiteSizedStrangerBudgets(this IDistributedApplicationTestingBuilder builder)
    {
        foreach (var api in builder.Resources.OfType<ProjectResource>().Where(p => p.Name == ResourceNames.Api))
        {
            foreach (var bucket in new[] { "Strangers", "Address" })
            {
                builder.CreateResourceBuilder(api)
                    .WithEnvironment($"Tenancy__RateLimits__{bucket}__PermitsPerSecond", "100000")
                    .WithEnvironment($"Tenancy__RateLimits__{bucket}__Burst", "100000");
            }
        }

        return builder;
    }
}
