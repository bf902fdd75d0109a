using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TatamiTech.Tenancy.AspNetCore.Resolution;

/// <summary>Not ready until the academy directory has been read: before that, no academy resolves.</summary>
internal sealed class TenantCatalogHealthCheck(TenantCatalog catalog) : IHealthCheck
{
    public const string Name = "academy-directory";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(catalog.IsLoaded
            ? HealthCheckResult.Healthy($"{catalog.Count} academies held.")
            : HealthCheckResult.Unhealthy("The academy directory has not been read yet."));
}
