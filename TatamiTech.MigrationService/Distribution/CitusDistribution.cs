using Microsoft.Extensions.Logging;
using Npgsql;
using TatamiTech.Data.Distribution;
using TatamiTech.Data.Wall;
using TatamiTech.Names;

namespace TatamiTech.MigrationService.Distribution;

/// <summary>
/// On a Citus coordinator (the extension is in this database), the part of migrating that spreads the academies over
/// the nodes, after the schema is current and on every run, so that a table a later migration adds is distributed too:
/// <list type="number">
/// <item>the services' roles can reach the workers with their passwords (Citus's pg_dist_authinfo);</item>
/// <item>the wall sets the academy as a <c>SET LOCAL</c> that Citus forwards to every worker transaction of the same
/// transaction (see the procedure below), and the policies compare without a subquery, which Citus refuses;</item>
/// <item>the directory's change trigger goes: Citus refuses a reference table with it, and a NOTIFY cannot be part
/// of the two-phase commit that writes one (the API then follows the directory by its periodic read);</item>
/// <item><c>tenants</c> becomes a reference table and every table the wall guards a distributed table on
/// <c>tenant_id</c>, colocated with <c>students</c>; foreign keys between them are dropped while they are distributed
/// and added back, and the rows left on the coordinator are removed;</item>
/// <item>the platform role may isolate one academy onto a shard of its own and move that shard to a node, through
/// two functions that run as the owner (<see cref="AcademyPlacementFunctions"/>).</item>
/// </list>
/// Runs as the owner, a superuser here: a table with forced row-level security copies no row for anyone else.
/// </summary>
internal static partial class CitusDistribution
{
    /// <summary>The parent of the colocation group: every other tenant table is placed with it.</summary>
    private const string Anchor = AcademyPlacementFunctions.AnchorTable;

    public static async Task ApplyAsync(
        NpgsqlConnection owner, IReadOnlyList<(string Role, string? ConnectionString)> roles, ILogger logger, CancellationToken ct)
    {
        if (await ScalarAsync<bool>(owner, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", ct) is not true)
        {
            return;
        }

        foreach (var (role, connectionString) in roles)
        {
            if (connectionString is not null && new NpgsqlConnectionStringBuilder(connectionString).Password is { Length: > 0 } password)
            {
                await StorePasswordAsync(owner, role, password, logger, ct);
            }
        }

        var tables = await TenantTablesAsync(owner, ct);
        await SetTheWallForEveryNodeAsync(owner, tables, ct);
        // Only while it exists: Citus refuses any trigger statement on a reference table, DROP ... IF EXISTS included.
        if (await ScalarAsync<bool>(owner, "SELECT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'tenants_announce_change')", ct) is true)
        {
            await ExecuteAsync(owner, "DROP TRIGGER tenants_announce_change ON tenants", ct);
        }

        var distributed = await DistributeAsync(owner, tables, ct);
        await CreatePlacementFunctionsAsync(owner, ct);
        LogDistributed(logger, distributed, tables.Count);
    }

    /// <summary>
    /// Isolating an academy splits its hash value off the shard it shares, with every colocated table (CASCADE);
    /// moving copies its shard group to another node. Both transfer by logical replication where the nodes allow it
    /// ('auto'), so the academy keeps writing while its rows travel; the caller opens the owner's window around them
    /// (<see cref="AcademyPlacementFunctions.Window"/>). Run as the owner (SECURITY DEFINER, a fixed search path); only
    /// the platform role may call them. Calling either again changes nothing. Every run closes a window left open by a
    /// platform process that stopped in the middle of an operation.
    /// </summary>
    private static async Task CreatePlacementFunctionsAsync(NpgsqlConnection owner, CancellationToken ct)
    {
        await ExecuteAsync(owner, $"""
            CREATE OR REPLACE FUNCTION {AcademyPlacementFunctions.Window}(open boolean) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
            AS $$
            DECLARE
                tenant_table text;
            BEGIN
                FOR tenant_table IN
                    SELECT tablename FROM pg_policies WHERE schemaname = 'public' AND policyname = 'tenant_isolation'
                LOOP
                    EXECUTE format('ALTER TABLE %I %s FORCE ROW LEVEL SECURITY', tenant_table, CASE WHEN open THEN 'NO' ELSE '' END);
                END LOOP;
            END
            $$
            """, ct);
        await ExecuteAsync(owner, $"SELECT {AcademyPlacementFunctions.Window}(false)", ct);
        await ExecuteAsync(owner, $"""
            CREATE OR REPLACE FUNCTION {AcademyPlacementFunctions.Isolate}(academy uuid) RETURNS bigint
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
            AS $$
            DECLARE
                shard bigint := get_shard_id_for_distribution_column('{Anchor}', academy);
            BEGIN
                IF (SELECT shardminvalue = shardmaxvalue FROM pg_dist_shard WHERE shardid = shard) THEN
                    RETURN shard;
                END IF;
                RETURN isolate_tenant_to_new_shard('{Anchor}', academy, 'CASCADE', shard_transfer_mode => 'auto');
            END
            $$
            """, ct);
        await ExecuteAsync(owner, $"""
            CREATE OR REPLACE FUNCTION {AcademyPlacementFunctions.Move}(academy uuid, node integer) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
            AS $$
            DECLARE
                shard bigint := get_shard_id_for_distribution_column('{Anchor}', academy);
                source integer := (SELECT n.nodeid FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
                                    WHERE p.shardid = shard AND n.noderole = 'primary');
            BEGIN
                IF source <> node THEN
                    PERFORM citus_move_shard_placement(shard, source, node, 'auto');
                END IF;
            END
            $$
            """, ct);
        string[] functions =
        [
            $"{AcademyPlacementFunctions.Window}(boolean)",
            $"{AcademyPlacementFunctions.Isolate}(uuid)",
            $"{AcademyPlacementFunctions.Move}(uuid, integer)",
        ];
        foreach (var function in functions)
        {
            await ExecuteAsync(owner, $"REVOKE ALL ON FUNCTION {function} FROM PUBLIC", ct);
            await ExecuteAsync(owner, $"GRANT EXECUTE ON FUNCTION {function} TO {DatabaseRoles.Platform}", ct);
        }
    }

    /// <summary>
    /// The role's password for the coordinator's connections to the workers. A managed service whose nodes
    /// authenticate each other themselves may not let the owner write Citus's table: that is said, not fatal, and
    /// the wall's readiness probe then shows whether the role reaches every node.
    /// </summary>
    private static async Task StorePasswordAsync(NpgsqlConnection owner, string role, string password, ILogger logger, CancellationToken ct)
    {
        try
        {
            await ExecuteAsync(owner, "DELETE FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename = $1", ct, role);
            await ExecuteAsync(owner, "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, $1, 'password=' || $2)", ct, role, password);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            LogNoAuthinfo(logger, role);
        }
    }

    /// <summary>The tables the wall guards: those with its policy.</summary>
    private static async Task<List<string>> TenantTablesAsync(NpgsqlConnection owner, CancellationToken ct)
    {
        var tables = new List<string>();
        await using var command = new NpgsqlCommand(
            "SELECT tablename FROM pg_policies WHERE schemaname = 'public' AND policyname = 'tenant_isolation' ORDER BY tablename", owner);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tables.Add(reader.GetString(0));
        }

        // The colocation group's parent first.
        return [.. tables.OrderBy(t => t == Anchor ? 0 : 1).ThenBy(t => t, StringComparer.Ordinal)];
    }

    private static async Task SetTheWallForEveryNodeAsync(NpgsqlConnection owner, IReadOnlyList<string> tables, CancellationToken ct)
    {
        await DistributedWall.InstallAsync(owner, onCitus: true, ct);
        foreach (var table in tables)
        {
            await ExecuteAsync(owner, $"""
                ALTER POLICY tenant_isolation ON {table}
                    USING (tenant_id = NULLIF(current_setting('{DatabaseWall.TenantSetting}', true), '')::uuid)
                    WITH CHECK (tenant_id = NULLIF(current_setting('{DatabaseWall.TenantSetting}', true), '')::uuid)
                """, ct);
        }
    }

    private static async Task<int> DistributeAsync(NpgsqlConnection owner, IReadOnlyList<string> tables, CancellationToken ct)
    {
        var pending = new List<string>();
        foreach (var table in tables)
        {
            if (!await IsDistributedAsync(owner, table, ct))
            {
                pending.Add(table);
            }
        }

        var referencesPending = new List<string>();
        foreach (var table in ReferenceTables.All)
        {
            if (!await IsDistributedAsync(owner, table, ct))
            {
                referencesPending.Add(table);
            }
        }

        if (pending.Count == 0 && referencesPending.Count == 0)
        {
            return 0;
        }

        // Foreign keys between tenant tables block distributing their parent: dropped, then added back colocated.
        var keys = new List<(string Table, string Name, string Definition)>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
              FROM pg_constraint c
             WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1) AND c.confrelid::regclass::text = ANY($1)
            """, owner))
        {
            command.Parameters.Add(new() { Value = tables.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var key in keys)
        {
            await ExecuteAsync(owner, $"ALTER TABLE {key.Table} DROP CONSTRAINT {key.Name}", ct);
        }

        foreach (var table in referencesPending)
        {
            await ExecuteAsync(owner, $"SELECT create_reference_table('{table}')", ct);
            await ExecuteAsync(owner, $"SELECT truncate_local_data_after_distributing_table('{table}')", ct);
        }

        foreach (var table in pending)
        {
            await ExecuteAsync(owner, table == Anchor
                ? $"SELECT create_distributed_table('{table}', 'tenant_id')"
                : $"SELECT create_distributed_table('{table}', 'tenant_id', colocate_with => '{Anchor}')", ct);
        }

        foreach (var key in keys)
        {
            await ExecuteAsync(owner, $"ALTER TABLE {key.Table} ADD CONSTRAINT {key.Name} {key.Definition}", ct);
        }

        foreach (var table in pending)
        {
            await ExecuteAsync(owner, $"SELECT truncate_local_data_after_distributing_table('{table}')", ct);
        }

        return pending.Count;
    }

    private static async Task<bool> IsDistributedAsync(NpgsqlConnection owner, string table, CancellationToken ct) =>
        await ScalarAsync<bool>(owner, "SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = $1::regclass)", ct, table)
            is true;

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection owner, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = Command(owner, sql, values);
        return (T?)await command.ExecuteScalarAsync(ct);
    }

    internal static async Task ExecuteAsync(NpgsqlConnection owner, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = Command(owner, sql, values);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlCommand Command(NpgsqlConnection owner, string sql, object[] values)
    {
        var command = new NpgsqlCommand(sql, owner);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return command;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Citus: the owner may not store {Role}'s password for the nodes (pg_dist_authinfo); the nodes must authenticate it themselves")]
    private static partial void LogNoAuthinfo(ILogger logger, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Citus: {Distributed} of {Tables} tenant tables distributed on this run")]
    private static partial void LogDistributed(ILogger logger, int distributed, int tables);
}
