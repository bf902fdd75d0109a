using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace TatamiTech.Data.Wall;

/// <summary>
/// SaveChanges behind the wall. EF Core reads a batch's row counts by statement position, so nothing may
/// lead its batch (<see cref="TenantWallInterceptor"/> leaves SaveChanges alone); instead the writes run in
/// a transaction of their own with the tenant set first, through the retrying execution strategy, and the
/// changes are accepted only after the commit, so a retried attempt writes them again. Inside a caller's
/// transaction the tenant is set in it and the caller commits.
/// </summary>
internal static class WalledSaveChanges
{
    public static int Save(DbContext context, Guid? tenantId, bool acceptAllChangesOnSuccess, Func<bool, int> save)
    {
        var database = context.Database;
        if (database.CurrentTransaction is not null)
        {
            database.ExecuteSqlRaw(TenantSetting.CommandPrefix, TenantSetting.Parameter(tenantId));
            return save(acceptAllChangesOnSuccess);
        }

        if (!context.ChangeTracker.HasChanges())
        {
            return 0;
        }

        var written = database.CreateExecutionStrategy().Execute(() =>
        {
            using var transaction = database.BeginTransaction();
            database.ExecuteSqlRaw(TenantSetting.CommandPrefix, TenantSetting.Parameter(tenantId));
            var count = WithoutSavepoints(database, () => save(false));
            transaction.Commit();
            return count;
        });
        AcceptIf(context, acceptAllChangesOnSuccess);
        return written;
    }

    public static async Task<int> SaveAsync(
        DbContext context,
        Guid? tenantId,
        bool acceptAllChangesOnSuccess,
        Func<bool, CancellationToken, Task<int>> save,
        CancellationToken cancellationToken)
    {
        var database = context.Database;
        if (database.CurrentTransaction is not null)
        {
            await SetTenantAsync(database, tenantId, cancellationToken);
            return await save(acceptAllChangesOnSuccess, cancellationToken);
        }

        if (!context.ChangeTracker.HasChanges())
        {
            return 0;
        }

        // If the connection drops after COMMIT was sent, whether it happened is unknown: before retrying,
        // the strategy asks VerifyCommittedAsync, so an insert that did commit is not written twice.
        var firstAdded = context.ChangeTracker.Entries<ITenantOwned>().FirstOrDefault(e => e.State == EntityState.Added);
        var written = await database.CreateExecutionStrategy().ExecuteAsync(
            firstAdded,
            async (_, _, ct) =>
            {
                await using var transaction = await database.BeginTransactionAsync(ct);
                await SetTenantAsync(database, tenantId, ct);
                var count = await WithoutSavepointsAsync(database, () => save(false, ct));
                await transaction.CommitAsync(ct);
                return count;
            },
            VerifyCommittedAsync,
            cancellationToken);
        AcceptIf(context, acceptAllChangesOnSuccess);
        return written;
    }

    private static Task SetTenantAsync(DatabaseFacade database, Guid? tenantId, CancellationToken cancellationToken) =>
        database.ExecuteSqlRawAsync(TenantSetting.CommandPrefix, [TenantSetting.Parameter(tenantId)], cancellationToken);

    /// <summary>
    /// The writes are one transaction, so one of its inserted rows being there means all of them are.
    /// With no insert to look for, it answers "not committed" and the writes are retried.
    /// </summary>
    private static async Task<ExecutionResult<int>> VerifyCommittedAsync(
        DbContext context, EntityEntry<ITenantOwned>? firstAdded, CancellationToken cancellationToken)
    {
        if (firstAdded is null)
        {
            return new ExecutionResult<int>(false, 0);
        }

        var table = firstAdded.Metadata.GetTableName();
        var id = firstAdded.Property<Guid>("Id").CurrentValue;
#pragma warning disable EF1002 // The table name comes from the model, the values are parameters.
        var found = await context.Database.SqlQueryRaw<int>(
                $"SELECT 1 AS \"Value\" FROM {table} WHERE tenant_id = @tenant AND id = @id",
                new NpgsqlParameter("tenant", firstAdded.Entity.TenantId),
                new NpgsqlParameter("id", id))
            .AnyAsync(cancellationToken);
#pragma warning restore EF1002
        var written = found
            ? context.ChangeTracker.Entries().Count(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            : 0;
        return new ExecutionResult<int>(found, written);
    }

    // The transaction is ours and holds nothing but these writes: a savepoint around them would be two
    // more round trips for nothing.
    private static T WithoutSavepoints<T>(DatabaseFacade database, Func<T> save)
    {
        database.AutoSavepointsEnabled = false;
        try
        {
            return save();
        }
        finally
        {
            database.AutoSavepointsEnabled = true;
        }
    }

    private static async Task<T> WithoutSavepointsAsync<T>(DatabaseFacade database, Func<Task<T>> save)
    {
        database.AutoSavepointsEnabled = false;
        try
        {
            return await save();
        }
        finally
        {
            database.AutoSavepointsEnabled = true;
        }
    }

    private static void AcceptIf(DbContext context, bool acceptAllChangesOnSuccess)
    {
        if (acceptAllChangesOnSuccess)
        {
            context.ChangeTracker.AcceptAllChanges();
        }
    }
}
