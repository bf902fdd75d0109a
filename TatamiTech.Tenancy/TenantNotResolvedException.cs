namespace TatamiTech.Tenancy;

/// <summary>Thrown when tenant-scoped code runs without a tenant: the fail-closed path.</summary>
public sealed class TenantNotResolvedException()
    : InvalidOperationException("No tenant is in scope. Tenant-scoped work must run inside ITenantContext.Enter.");
