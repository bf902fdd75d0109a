using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TatamiTech.Data.Reports;
using TatamiTech.Data.Students;
using TatamiTech.Data.Tenants;
using TatamiTech.ServiceDefaults.Tenancy;

namespace TatamiTech.Data;

/// <summary>
/// The one DbContext. Scoped, never pooled: it holds the tenant of its scope. Every
/// <see cref="ITenantOwned"/> entity is filtered to that tenant, and SaveChanges refuses to write
/// another tenant's rows. Without a tenant, queries return nothing and writes throw.
/// </summary>
public sealed class TatamiDbContext(DbContextOptions<TatamiDbContext> options, ITenantContext tenantContext)
    : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<Student> Students => Set<Student>();

    public DbSet<RosterReport> RosterReports => Set<RosterReport>();

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
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantGuard.Apply(ChangeTracker, tenantContext.Current);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
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
