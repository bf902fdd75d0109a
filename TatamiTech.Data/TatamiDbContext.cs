using Microsoft.EntityFrameworkCore;
using TatamiTech.Data.Guard;
using TatamiTech.Data.Platform;
using TatamiTech.Data.Promotions;
using TatamiTech.Data.Reports;
using TatamiTech.Data.Students;
using TatamiTech.Data.Tenants;
using TatamiTech.Data.Wall;
using TatamiTech.Tenancy;

namespace TatamiTech.Data;

/// <summary>
/// The one DbContext, and step 5 of the tenancy pipeline (the guard). Pooled, and bound to the tenant
/// context of the scope that leases it (<see cref="Bind"/>); returned to the pool, it is bound to no
/// tenant until the next lease. Every <see cref="ITenantOwned"/> entity is filtered to that tenant
/// (<c>Guard/</c>), and SaveChanges refuses to write another tenant's rows. Without a tenant, queries
/// return nothing and writes throw. Behind both, the database's row-level security sees the same tenant
/// (<c>Wall/</c>).
/// </summary>
public sealed class TatamiDbContext(DbContextOptions<TatamiDbContext> options) : DbContext(options), IWalledContext
{
    private ITenantContext _tenantContext = NoTenantContext.Instance;

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Student> Students => Set<Student>();

    public DbSet<RosterReport> RosterReports => Set<RosterReport>();

    public DbSet<BeltPromotion> BeltPromotions => Set<BeltPromotion>();

    public DbSet<PlatformAuditEntry> PlatformAudit => Set<PlatformAuditEntry>();

    /// <summary>
    /// The tenant in scope, read by the query filters on every query and by the wall on every command.
    /// <see cref="Guid.Empty"/> is no tenant's id: with no tenant in scope nothing matches.
    /// </summary>
    public Guid TenantId => _tenantContext.Current?.Id ?? Guid.Empty;

    /// <summary>
    /// Binds a leased context to its scope's tenant context: the tenant is read from it on every query and
    /// every save, so a tenant entered after the lease (a job's academy) is the one that counts.
    /// </summary>
    public TatamiDbContext Bind(ITenantContext tenantContext)
    {
        _tenantContext = tenantContext;
        return this;
    }

    // Returning to the pool (or disposing an unpooled context) forgets the tenant before anything else:
    // the next lease starts with none, whatever its scope forgets to do.
    public override void Dispose()
    {
        _tenantContext = NoTenantContext.Instance;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        _tenantContext = NoTenantContext.Instance;
        return base.DisposeAsync();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TatamiDbContext).Assembly);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType))
            {
                modelBuilder.Entity(entityType.ClrType).HasQueryFilter(TenantQueryFilter.For(entityType.ClrType, this));
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TenantGuard.Apply(ChangeTracker, _tenantContext.Current);
        return WalledSaveChanges.Save(this, TenantId, acceptAllChangesOnSuccess, accept => base.SaveChanges(accept));
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantGuard.Apply(ChangeTracker, _tenantContext.Current);
        return WalledSaveChanges.SaveAsync(
            this, TenantId, acceptAllChangesOnSuccess, (accept, ct) => base.SaveChangesAsync(accept, ct), cancellationToken);
    }
}
