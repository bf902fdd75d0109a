using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Resolution;

public sealed class TenantCatalogShould
{
    /// <summary>The memory the directory may take per academy, its rows included (40 MB for 100,000 academies).</summary>
    private const long MaxBytesPerAcademy = 400;

    [Fact]
    public void ResolveNothingBeforeTheDirectoryIsRead()
    {
        var catalog = new TenantCatalog();

        Assert.False(catalog.IsLoaded);
        Assert.False(catalog.TryFind("goldentiger", out _));
    }

    [Fact]
    public void FollowAnnouncedChangesToOneAcademy()
    {
        var catalog = new TenantCatalog();
        var tiger = new TenantInfo(Guid.NewGuid(), "goldentiger", "Golden Tiger");
        catalog.ReplaceAll([tiger]);

        catalog.Apply("goldentiger", tiger with { Suspended = true });
        catalog.Apply("ironcrane", new TenantInfo(Guid.NewGuid(), "ironcrane", "Iron Crane"));

        Assert.True(catalog.TryFind("goldentiger", out var suspended) && suspended.Suspended);
        Assert.True(catalog.TryFind("ironcrane", out _));

        catalog.Apply("goldentiger", null);
        Assert.False(catalog.TryFind("goldentiger", out _));
        Assert.Equal(1, catalog.Count);
    }

    [Fact]
    public void ForgetWhatAWholeReadNoLongerHolds()
    {
        var catalog = new TenantCatalog();
        catalog.ReplaceAll([new TenantInfo(Guid.NewGuid(), "gone", "Gone")]);

        catalog.ReplaceAll([new TenantInfo(Guid.NewGuid(), "kept", "Kept")]);

        Assert.False(catalog.TryFind("gone", out _));
        Assert.True(catalog.TryFind("kept", out _));
    }

    [Fact]
    public void MatchSlugsExactly()
    {
        var catalog = new TenantCatalog();
        catalog.ReplaceAll([new TenantInfo(Guid.NewGuid(), "goldentiger", "Golden Tiger")]);

        Assert.False(catalog.TryFind("GoldenTiger", out _));
        Assert.False(catalog.TryFind("goldentiger ", out _));
    }

    [Fact]
    public void HoldAHundredThousandAcademiesWithinItsMemoryBound()
    {
        const int academies = 100_000;
        var before = GC.GetAllocatedBytesForCurrentThread();

        // Rows as the directory reads them (slugs and names of a realistic length), then the catalog built over them.
        var rows = new List<TenantInfo>(academies);
        for (var i = 0; i < academies; i++)
        {
            rows.Add(new TenantInfo(Guid.NewGuid(), $"academy-{i:D6}-dojo", $"Academy number {i:D6} of the bench"));
        }

        var catalog = new TenantCatalog();
        catalog.ReplaceAll(rows);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(academies, catalog.Count);
        Assert.True(allocated / academies <= MaxBytesPerAcademy, $"{allocated / academies} bytes per academy.");
    }
}
