namespace TatamiTech.ServiceDefaults.Tenancy;

/// <summary>
/// Flows the tenant along the async call chain so singletons without a DI scope
/// (span processors) can see it. Never used to authorize anything.
/// </summary>
internal static class AmbientTenant
{
    private static readonly AsyncLocal<TenantInfo?> s_current = new();

    public static TenantInfo? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }
}
