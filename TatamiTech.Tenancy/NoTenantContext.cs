namespace TatamiTech.Tenancy;

/// <summary>
/// A tenant context that never has a tenant: for design-time tools and for code that must prove it
/// fails closed. Entering a tenant is not possible.
/// </summary>
public sealed class NoTenantContext : ITenantContext
{
    public static readonly NoTenantContext Instance = new();

    public TenantInfo? Current => null;

    public TenantInfo Required => throw new TenantNotResolvedException();

    public IDisposable Enter(TenantInfo tenant) => throw new NotSupportedException("This context never has a tenant.");
}
