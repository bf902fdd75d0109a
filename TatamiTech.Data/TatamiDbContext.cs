using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;
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
            var written = SaveWithoutSavepoint();
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

        // If the connection drops after COMMIT was sent, whether it happened is unknown: before retrying,
        // the strategy asks VerifyCommittedAsync, so an insert that did commit is not written twice.
        var firstAdded = ChangeTracker.Entries<ITenantOwned>().FirstOrDefault(e => e.State == EntityState.Added);
        var written = await Database.CreateExecutionStrategy().ExecuteAsync(
            firstAdded,
            async (_, _, ct) =>
            {
                await using var transaction = await Database.BeginTransactionAsync(ct);
                await SetWallTenantAsync(ct);
                var count = await SaveWithoutSavepointAsync(ct);
                await transaction.CommitAsync(ct);
                return count;
            },
            VerifyCommittedAsync,
            cancellationToken);
        AcceptIf(acceptAllChangesOnSuccess);
        return written;
    }

    /// <summary>
    /// The writes are one transaction, so one of its inserted rows being there means all of them are.
    /// With no insert to look for, it answers "not committed" and the writes are retried.
    /// </summary>
    private async Task<ExecutionResult<int>> VerifyCommittedAsync(
        DbContext context, EntityEntry<ITenantOwned>? firstAdded, CancellationToken cancellationToken)
    {
        if (firstAdded is null)
        {
            return new ExecutionResult<int>(false, 0);
        }

        var table = firstAdded.Metadata.GetTableName();
        var id = firstAdded.Property<Guid>("Id").CurrentValue;
#pragma warning disable EF1002 // The table name comes from the model, the values are parameters.
        var found = await Database.SqlQueryRaw<int>(
                $"SELECT 1 AS \"Value\" FROM {table} WHERE tenant_id = @tenant AND id = @id",
                new Npgsql.NpgsqlParameter("tenant", firstAdded.Entity.TenantId),
                new Npgsql.NpgsqlParameter("id", id))
            .AnyAsync(cancellationToken);
#pragma warning restore EF1002
        return new ExecutionResult<int>(found, found ? ChangeTracker.Entries().Count(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted) : 0);
    }

    // The transaction is ours and holds nothing but these writes: a savepoint around them would be two
    // more round trips for nothing.
    private int SaveWithoutSavepoint()
    {
        Database.AutoSavepointsEnabled = false;
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess: false);
        }
        finally
        {
            Database.AutoSavepointsEnabled = true;
        }
    }

    private async Task<int> SaveWithoutSavepointAsync(CancellationToken cancellationToken)
    {
        Database.AutoSavepointsEnabled = false;
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
        }
        finally
        {
            Database.AutoSavepointsEnabled = true;
        }
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
