using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

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
}
