using TatamiTech.Names;

namespace TatamiTech.AppHost;

/// <summary>How every service of the stack is added to the app model.</summary>
internal static class ServiceProjects
{
    /// <summary>
    /// A service project on plain HTTP. Aspire gives every project an HTTPS certificate callback, and a
    /// resource with one makes the AppHost look for a trusted development certificate: without one, every
    /// dashboard page opens under a "No trusted development certificate" error. These services serve HTTP
    /// only (TLS ends at the platform's load balancer), so they ask for no certificate at all.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
#pragma warning disable ASPIRECERTIFICATES001 // Experimental: the switch that tells the AppHost a resource needs no certificate.
        var service = builder.AddProject<TProject>(name).WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

        // Run mode only. On a stop the dashboard goes first; with Aspire's in-memory OTLP retry each service then
        // spent its exporter's whole timeout retrying a dashboard that was gone before it could exit, and every stop
        // waited for it. Without retry an export to the local dashboard that fails is dropped at once. A published
        // model keeps the retry: a remote collector's brief outages are what it is for.
        if (builder.ExecutionContext.IsRunMode)
        {
            service.WithEnvironment(ConfigurationKeys.OtlpExportRetry, string.Empty);
        }

        return service.StartBuiltProgram();
    }

    /// <summary>
    /// Readiness on <c>/health</c> (every check, the database's included), liveness on <c>/alive</c> (the process
    /// answers): in the dashboard as the resource's health, in a published model as the orchestrator's probes.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHealthProbes(this IResourceBuilder<ProjectResource> service)
    {
#pragma warning disable ASPIREPROBES001 // Experimental: probes a publisher can hand to the orchestrator.
        // The readiness probe is also the dashboard's health check (Aspire adds one for it).
        return service
            .WithHttpProbe(ProbeType.Readiness, ServicePaths.Health, endpointName: "http")
            .WithHttpProbe(ProbeType.Liveness, ServicePaths.Alive, endpointName: "http");
#pragma warning restore ASPIREPROBES001
    }
}
