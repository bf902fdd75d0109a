using Npgsql;
using TatamiTech.Data.Distribution;
using TatamiTech.Platform.Academies;
using TatamiTech.Platform.Audit;

namespace TatamiTech.Platform.Placement;

/// <summary>
/// Where an academy's rows live on a distributed database (Citus), and the two operations that change it for one big
/// academy: a shard of its own, then a node of its own choosing. Both are done by the database while the academy
/// keeps working (<see cref="AcademyPlacementFunctions"/>); each is written to the audit once it is done, and
/// asking for what already is changes and records nothing.
/// </summary>
public sealed class PlacementStore(NpgsqlDataSource dataSource, AcademyStore academies)
{
    private const string NodeColumns = """
        n.nodeid, n.nodename, n.nodeport,
        (SELECT count(*) FROM pg_dist_placement p JOIN pg_dist_shard s USING (shardid)
          WHERE p.groupid = n.groupid AND s.logicalrelid = 'students'::regclass)
        """;

    /// <summary>Whether the database is distributed; placement means nothing on one server.</summary>
    public async Task<bool> IsDistributedAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')");
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>The nodes that hold academies' shards (the workers), by id.</summary>
    public async Task<IReadOnlyList<DatabaseNode>> NodesAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {NodeColumns} FROM pg_dist_node n WHERE n.isactive AND n.noderole = 'primary' AND n.shouldhaveshards ORDER BY n.nodeid");
        var nodes = new List<DatabaseNode>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            nodes.Add(ReadNode(reader, 0));
        }

        return nodes;
    }

    public async Task<AcademyPlacement> GetAsync(AcademyResponse academy, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT s.shardid, s.shardminvalue = s.shardmaxvalue, {NodeColumns}
              FROM pg_dist_shard s
              JOIN pg_dist_placement p USING (shardid)
              JOIN pg_dist_node n USING (groupid)
             WHERE s.shardid = get_shard_id_for_distribution_column('{AcademyPlacementFunctions.AnchorTable}', $1)
               AND n.noderole = 'primary'
            """);
        command.Parameters.Add(new() { Value = academy.Id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new AcademyPlacement(academy.Slug, reader.GetInt64(0), reader.GetBoolean(1), ReadNode(reader, 2));
    }

    /// <summary>Splits the academy's rows off onto a shard of their own, on the node they were on.</summary>
    public async Task<AcademyPlacement> IsolateAsync(AcademyResponse academy, string operatorSubject, CancellationToken ct)
    {
        if (await GetAsync(academy, ct) is { Isolated: true } already)
        {
            return already;
        }

        await InWindowAsync(() => CallAsync($"SELECT {AcademyPlacementFunctions.Isolate}($1)", ct, academy.Id), ct);
        var placement = await GetAsync(academy, ct);
        await RecordAsync(operatorSubject, AuditActions.Isolate, academy, placement, ct);
        return placement;
    }

    /// <summary>Moves an isolated academy's shard (all its tables), placed now as <paramref name="current"/>, to the node.</summary>
    public async Task<AcademyPlacement> MoveAsync(
        AcademyResponse academy, AcademyPlacement current, int nodeId, string operatorSubject, CancellationToken ct)
    {
        if (current.Node.Id == nodeId)
        {
            return current;
        }

        await InWindowAsync(() => CallAsync($"SELECT {AcademyPlacementFunctions.Move}($1, $2)", ct, academy.Id, nodeId), ct);
        var placement = await GetAsync(academy, ct);
        await RecordAsync(operatorSubject, AuditActions.Move, academy, placement, ct);
        return placement;
    }

    /// <summary>
    /// One placement operation at a time, across platform processes (an advisory lock on a connection of its own),
    /// inside the owner's window (<see cref="AcademyPlacementFunctions.Window"/>), closed whatever becomes of the
    /// operation or its request.
    /// </summary>
    /// <exception cref="PlacementBusyException">Another operation holds the lock.</exception>
    private async Task InWindowAsync(Func<Task> operation, CancellationToken ct)
    {
        await using var holder = await dataSource.OpenConnectionAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AcademyPlacementFunctions.LockKey})", holder))
        {
            if (await take.ExecuteScalarAsync(ct) is not true)
            {
                throw new PlacementBusyException();
            }
        }

        try
        {
            await CallAsync($"SELECT {AcademyPlacementFunctions.Window}(true)", ct);
            try
            {
                await operation();
            }
            finally
            {
                await CallAsync($"SELECT {AcademyPlacementFunctions.Window}(false)", CancellationToken.None);
            }
        }
        finally
        {
            // The holder goes back to the pool: the lock is a session's and must not go with it.
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({AcademyPlacementFunctions.LockKey})", holder);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task CallAsync(string sql, CancellationToken ct, params object[] values)
    {
        await using var command = dataSource.CreateCommand(sql);
        // A shard's rows are copied while the call runs: as long as they take, bounded by the caller's request.
        command.CommandTimeout = 0;
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task RecordAsync(string operatorSubject, string action, AcademyResponse academy, AcademyPlacement placement, CancellationToken ct)
    {
        var where = $"shard {placement.ShardId} on node {placement.Node.Id} ({placement.Node.Host}:{placement.Node.Port})";
        await academies.InTransactionAsync(async (connection, transaction) =>
        {
            await AcademyStore.RecordAsync(connection, transaction, new AuditRecord(operatorSubject, action, academy, where), ct);
            return true;
        }, ct);
    }

    private static DatabaseNode ReadNode(NpgsqlDataReader reader, int first) =>
        new(reader.GetInt32(first), reader.GetString(first + 1), reader.GetInt32(first + 2), reader.GetInt64(first + 3));
}

/// <summary>Another placement operation is under way; the operator may try again when it is done.</summary>
public sealed class PlacementBusyException() : Exception("Another placement operation is under way.");
