using Npgsql;

namespace TatamiTech.Data.Wall;

/// <summary>
/// Which academies the wall's readiness probe sets, so that its statements run everywhere academies' rows live: on
/// one server, any academy; on Citus, one academy per node that holds a shard of <c>students</c> (every tenant table
/// is colocated with it). A node is reached through an academy whose hash falls in one of its shards: random ones
/// for the shards that cover a range of hashes, and the academy itself for a shard that holds only one
/// (an academy isolated onto its own shard). A node whose only shards belong to no current academy serves none and
/// is not probed.
/// </summary>
internal static class WallProbes
{
    /// <summary>
    /// Enough random academies that each node holding any share of the hash range gets one: a node with one of the 32
    /// shards is missed with odds below one in 10^14.
    /// </summary>
    private const int RandomCandidates = 1024;

    private const string LocalServer = "this server";

    public static async Task<IReadOnlyList<(string Node, Guid Academy)>> ChooseAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using (var citus = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", connection))
        {
            if (await citus.ExecuteScalarAsync(ct) is not true)
            {
                return [(LocalServer, Guid.NewGuid())];
            }
        }

        var probes = new List<(string, Guid)>();
        await using var command = new NpgsqlCommand($"""
            WITH shards AS (
                SELECT s.shardminvalue::int AS low, s.shardmaxvalue::int AS high, n.nodename || ':' || n.nodeport AS node
                  FROM pg_dist_shard s
                  JOIN pg_dist_placement p USING (shardid)
                  JOIN pg_dist_node n USING (groupid)
                 WHERE s.logicalrelid = 'students'::regclass AND n.isactive AND n.noderole = 'primary'),
            candidates AS (
                SELECT gen_random_uuid() AS id FROM generate_series(1, {RandomCandidates})
                UNION ALL
                SELECT t.id FROM tenants t
                 WHERE EXISTS (SELECT 1 FROM shards WHERE low = high)
                   AND worker_hash(t.id) IN (SELECT low FROM shards WHERE low = high))
            SELECT nodes.node, (SELECT c.id FROM candidates c JOIN shards s ON worker_hash(c.id) BETWEEN s.low AND s.high
                                 WHERE s.node = nodes.node LIMIT 1)
              FROM (SELECT DISTINCT node FROM shards) nodes
             ORDER BY nodes.node
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(1))
            {
                probes.Add((reader.GetString(0), reader.GetGuid(1)));
            }
        }

        // A distributed database whose students table has no shard on any node serves no academy: probe the coordinator.
        return probes.Count > 0 ? probes : [(LocalServer, Guid.NewGuid())];
    }
}
