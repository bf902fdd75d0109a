using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TatamiTech.Data.Promotions;
using TatamiTech.Data.Reports;
using TatamiTech.Data.Students;
using TatamiTech.Data.Tenants;
using TatamiTech.Data.Wall;
using TatamiTech.ServiceDefaults.Tenancy;

namespace TatamiTech.Data;

/// <summary>
/// The one DbContext. Scoped, never pooled: it holds the tenant of its scope. Every
/// <see cref="ITenantOwned"/> entity is filtered to that tenant, and SaveChanges refuses to write
/// another tenant's rows. Without a tenant, queries return nothing and writes throw.
/// Behind both, the database's row-level security sees the same tenant: every command carries it
/// (<see cref="TenantWallInterceptor"/>), and SaveChanges sets it in the transaction it writes in.
/// </summary>
public sealed class TatamiDbContext(DbContextOptions<TatamiDbContext> options, ITenantContext tenantContext)
    : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Student> Students => Set<Student>();

    public DbSet<RosterReport> RosterReports => Set<RosterReport>();

    public DbSet<BeltPromotion> BeltPromotions => Set<BeltPromotion>();

    /// <summary>The tenant the database wall is given; null (no tenant) sees no rows.</summary>
    internal Guid? WallTenantId => tenantContext.Current?.Id;

    /// <summary>
    /// Read by the query filters on every query. <see cref="Guid.Empty"/> is no tenant's id, so with
    /// no tenant in scope the filters match no row.
    /// </summary>
    private Guid CurrentTenantId => tenantContext.Current?.Id ?? Guid.Empty;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(TatamiDbContext).Assembly);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType))
            {
                modelBuilder.Entity(entityType.ClrType).HasQueryFilter(TenantFilter(entityType.ClrType));
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TenantGuard.Apply(ChangeTracker, tenantContext.Current);
        if (Database.CurrentTransaction is not null)
        {
            SetWallTenant();
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }

        if (!ChangeTracker.HasChanges())
        {
            return 0;
        }

        return Database.CreateExecutionStrategy().Execute(() =>
        {
            using var transaction = Database.BeginTransaction();
            SetWallTenant();
            var written = base.SaveChanges(acceptAllChangesOnSuccess: false);
            transaction.Commit();
            AcceptIf(acceptAllChangesOnSuccess);
            return written;
        });
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantGuard.Apply(ChangeTracker, tenantContext.Current);
        if (Database.CurrentTransaction is not null)
        {
            await SetWallTenantAsync(cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // Own transaction so the tenant setting (transaction-local) covers the writes; changes are
        // accepted only after the commit, so a retried attempt writes them again.
        if (!ChangeTracker.HasChanges())
        {
            return 0;
        }

        return await Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await Database.BeginTransactionAsync(ct);
            await SetWallTenantAsync(ct);
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
            await transaction.CommitAsync(ct);
            AcceptIf(acceptAllChangesOnSuccess);
            return written;
        }, cancellationToken);
    }

    private void SetWallTenant() =>
        Database.ExecuteSqlRaw(TenantWallInterceptor.Prefix, TenantWallInterceptor.Parameter(WallTenantId));

    private Task SetWallTenantAsync(CancellationToken cancellationToken) =>
        Database.ExecuteSqlRawAsync(TenantWallInterceptor.Prefix, [TenantWallInterceptor.Parameter(WallTenantId)], cancellationToken);

    private void AcceptIf(bool acceptAllChangesOnSuccess)
    {
        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }
    }

    // e => ((ITenantOwned)e).TenantId == this.CurrentTenantId, with "this" kept as the context
    // instance so EF parameterizes it per query.
    private LambdaExpression TenantFilter(Type clrType)
    {
        var entity = Expression.Parameter(clrType, "e");
        var tenantId = Expression.Property(Expression.Convert(entity, typeof(ITenantOwned)), nameof(ITenantOwned.TenantId));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentTenantId));
        return Expression.Lambda(Expression.Equal(tenantId, current), entity);
    }
}
