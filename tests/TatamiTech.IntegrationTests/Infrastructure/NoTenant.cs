using TatamiTech.ServiceDefaults.Tenancy;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>A tenant context that never has a tenant.</summary>
public sealed class NoTenant : ITenantContext
{
    public TenantInfo? Current => null;

    public TenantInfo Required => throw new TenantNotResolvedException();

    public IDisposable Enter(TenantInfo tenant) => throw new NotSupportedException();
}
