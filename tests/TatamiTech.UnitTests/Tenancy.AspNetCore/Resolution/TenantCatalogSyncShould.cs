using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.UnitTests.Infrastructure;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Resolution;

/// <summary>
/// The periodic whole read, on a clock the test moves and with no announcement ever made: the bound on
/// staleness should the listener miss a change without noticing.
/// </summary>
public sealed class TenantCatalogSyncShould
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadTheDirectoryWholeAgainEveryReloadIntervalWithoutAnAnnouncement()
    {
        var options = new TenancyOptions();
        Assert.Equal(TimeSpan.FromMinutes(5), options.DirectoryReloadInterval);

        var clock = new WatchedClock();
        var directory = new SilentDirectory([new TenantInfo(Guid.NewGuid(), "goldentiger", "Golden Tiger")]);
        var catalog = new TenantCatalog();
        var sync = new TenantCatalogSync(
            catalog, directory, new TenantDirectoryChanges(), new FixedOptions(options), clock,
            NullLogger<TenantCatalogSync>.Instance);
        await sync.StartAsync(CancellationToken.None);
        try
        {
            await catalog.Loaded.WaitAsync(s_patience);
            await clock.NextWaitAsync();
            directory.Add(new TenantInfo(Guid.NewGuid(), "ironcrane", "Iron Crane"));

            clock.Advance(options.DirectoryReloadInterval - TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(200));
            Assert.False(catalog.TryFind("ironcrane", out _));
            Assert.Equal(1, directory.WholeReads);

            clock.Advance(TimeSpan.FromSeconds(1));
            await clock.NextWaitAsync();
            Assert.True(catalog.TryFind("ironcrane", out _));
            Assert.Equal(2, directory.WholeReads);
        }
        finally
        {
            await sync.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A directory whose changes are never announced.</summary>
    private sealed class SilentDirectory(IEnumerable<TenantInfo> tenants) : ITenantDirectory
    {
        private readonly List<TenantInfo> _tenants = [.. tenants];
        private int _wholeReads;

        public int WholeReads => Volatile.Read(ref _wholeReads);

        public void Add(TenantInfo tenant)
        {
            lock (_tenants)
            {
                _tenants.Add(tenant);
            }
        }

        public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
        {
            lock (_tenants)
            {
                return Task.FromResult(_tenants.FirstOrDefault(t => t.Slug == slug));
            }
        }

        public Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _wholeReads);
            lock (_tenants)
            {
                return Task.FromResult<IReadOnlyList<TenantInfo>>([.. _tenants]);
            }
        }
    }

    private sealed class FixedOptions(TenancyOptions value) : IOptionsMonitor<TenancyOptions>
    {
        public TenancyOptions CurrentValue => value;

        public TenancyOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<TenancyOptions, string?> listener) => null;
    }
}
