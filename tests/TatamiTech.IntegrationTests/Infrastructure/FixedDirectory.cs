using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>A tenant directory of the given academies only, so that a job run by a test touches no other test's academy.</summary>
public sealed class FixedDirectory(IReadOnlyList<TenantInfo> academies) : ITenantDirectory
{
    public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
        Task.FromResult(academies.FirstOrDefault(t => t.Slug == slug));

    public Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(academies);
}
