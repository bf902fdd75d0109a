namespace TatamiTech.Tenancy;

/// <summary>
/// The registry of academies: the one deliberately cross-tenant read. Implemented by the data layer.
/// </summary>
public interface ITenantDirectory
{
    Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken);

    Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken);
}
