namespace TatamiTech.Tenancy;

/// <summary>
/// Flows the tenant along the async call chain so singletons without a DI scope (span processors)
/// can see it. Never used to authorize anything; only <see cref="ITenantContext.Enter"/> sets it.
/// </summary>
public static class AmbientTenant
{
    private static readonly AsyncLocal<TenantInfo?> s_current = new();

    public static TenantInfo? Current
    {
        get => s_current.Value;
        internal set => s_current.Value = value;
    }
}
