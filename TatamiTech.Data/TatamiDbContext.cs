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
/// The one DbContext, and step 5 of the tenancy pipeline (the guard). Scoped, never pooled: it holds the
/// tenant of its scope. Every <see cref="ITenantOwned"/> entity is filtered to that tenant
/// (<c>Guard/</c>), and SaveChanges refuses to write another tenant's rows. Without a tenant, queries
/// return nothing and writes throw. Behind both, the database's row-level security sees the same tenant
/// (<c>Wall/</c>).
/// </summary>
public sealed class TatamiDbContext(DbContextOptions<TatamiDbContext> options, ITenantContext tenantContext)
    : DbContext(options), IWalledContext
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Student> Students => Set<Student>();

    public DbSet<RosterReport> RosterReports => Set<RosterReport>();

    public DbSet<BeltPromotion> BeltPromotions => Set<BeltPromotion>();

    public DbSet<PlatformAuditEntry> PlatformAudit => Set<PlatformAuditEntry>();

    /// <summary>
    /// The tenant in scope, read by the query filters on every query and by the wall on every command.
    /// <see cref="Guid.Empty"/> is no tenant's id: with no tenant in scope nothing matches.
    /// </summary>
    public Guid TenantId => tenantContext.Current?.Id ?? Guid.Empty;

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
        TenantGuard.Apply(ChangeTracker, tenantContext.Current);
        return WalledSaveChanges.Save(this, TenantId, acceptAllChangesOnSuccess, accept => base.SaveChanges(accept));
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantGuard.Apply(ChangeTracker, tenantContext.Current);
        return WalledSaveChanges.SaveAsync(
            this, TenantId, acceptAllChangesOnSuccess, (accept, ct) => base.SaveChangesAsync(accept, ct), cancellationToken);
    }
}
