using Npgsql;
using TatamiTech.Data.Wall;
using TatamiTech.Names;

namespace TatamiTech.MigrationService.Distribution;

/// <summary>
/// The wall's procedure as a distributed database needs it. Citus forwards a <c>SET LOCAL</c> statement (never
/// <c>set_config</c>) to the workers when <c>citus.propagate_set_commands</c> is <c>local</c>, and only to the worker
/// transactions it opens inside a distributed transaction; a row-locking read of an empty table Citus knows (on the
/// coordinator, no worker I/O) makes the caller's transaction one, so every later statement of it, in the same batch
/// without an explicit BEGIN, reaches its workers with the academy set. TenantWallCheck proves it on every service's
/// readiness, on every node. It runs on one server too (the bench measures what it would cost there).
/// </summary>
public static class DistributedWall
{
    private const string AnchorTable = "tenant_wall_anchor";

    public static async Task InstallAsync(NpgsqlConnection owner, bool onCitus, CancellationToken ct)
    {
        await CitusDistribution.ExecuteAsync(owner, $"CREATE TABLE IF NOT EXISTS {AnchorTable} (id int PRIMARY KEY)", ct);
        // FOR KEY SHARE needs UPDATE; the table stays empty, and no role may write it.
        var roles = string.Join(", ", DatabaseRoles.Runtime, DatabaseRoles.Platform, DatabaseRoles.Identity);
        await CitusDistribution.ExecuteAsync(owner, $"GRANT SELECT, UPDATE ON {AnchorTable} TO {roles}", ct);
        await CitusDistribution.ExecuteAsync(owner, $"REVOKE INSERT, DELETE, TRUNCATE ON {AnchorTable} FROM PUBLIC", ct);
        if (onCitus)
        {
            await CitusDistribution.ExecuteAsync(owner, $"""
                SELECT citus_add_local_table_to_metadata('{AnchorTable}')
                 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = '{AnchorTable}'::regclass)
                """, ct);
        }

        await CitusDistribution.ExecuteAsync(owner, $"""
            CREATE OR REPLACE PROCEDURE {DatabaseWall.SetTenantProcedure}(tenant uuid)
            LANGUAGE plpgsql
            AS $$
            BEGIN
                SET LOCAL citus.propagate_set_commands = 'local';
                EXECUTE format('SET LOCAL {DatabaseWall.TenantSetting} = %L', coalesce(tenant::text, ''));
                PERFORM 1 FROM {AnchorTable} WHERE id IS NULL FOR KEY SHARE;
            END
            $$
            """, ct);
    }
}
