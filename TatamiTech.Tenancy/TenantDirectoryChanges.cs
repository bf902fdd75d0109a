namespace TatamiTech.Tenancy;

/// <summary>
/// Where a process learns that an academy changed (created, suspended, resumed, erased), so that whatever
/// it caches about academies is dropped at once rather than when its time bound runs out. The data layer
/// publishes what the database announces; caches subscribe.
/// </summary>
public sealed class TenantDirectoryChanges
{
    /// <summary>Raised with the academy's slug, or null when anything may have changed (after a gap).</summary>
    public event Action<string?>? Changed;

    public void Publish(string? slug) => Changed?.Invoke(slug);
}
