using Npgsql;
using TatamiTech.Data.Distribution;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// The tenancy rules of the schema, read from pg_catalog: every table with a tenant_id column keeps it
/// NOT NULL, has row-level security enabled and forced under a policy on app.tenant_id for reads and
/// writes, includes tenant_id in every unique index, and references other tenant tables by a key that
/// includes tenant_id; no foreign key lets a delete of a tenant cascade; and the tables can be distributed
/// by tenant_id with Citus as they are. Each violation names its table and its rule.
/// </summary>
public static class SchemaConformance
{
    public sealed record Report(IReadOnlyList<string> TenantTables, IReadOnlyList<string> Violations);

    public static async Task<Report> CheckAsync(string connectionString, string schema = "public")
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var tables = new List<string>();
        var violations = new List<string>();

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), a.attnotnull, c.relrowsecurity, c.relforcerowsecurity
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND n.nspname = $1
             ORDER BY 1
            """, schema))
        {
            var table = (string)row[0]!;
            tables.Add(table);
            Add(violations, !(bool)row[1]!, table, "tenant_id must be NOT NULL");
            Add(violations, !(bool)row[2]!, table, "row-level security must be enabled");
            Add(violations, !(bool)row[3]!, table, "row-level security must be forced (FORCE ROW LEVEL SECURITY)");
        }

        // One ALL policy must compare tenant_id with app.tenant_id both when reading and when writing;
        // any other permissive policy, for reading or for writing, would widen it (policies are OR-ed).
        // A scoped expression is exactly "tenant_id = <app.tenant_id>" with no OR beside it.
        await foreach (var row in QueryAsync(connection, """
            WITH p AS (
                SELECT p.polrelid, p.polname, p.polcmd, p.polpermissive,
                       coalesce(pg_get_expr(p.polqual, p.polrelid), '') AS qual,
                       coalesce(pg_get_expr(p.polwithcheck, p.polrelid), pg_get_expr(p.polqual, p.polrelid), '') AS checked
                  FROM pg_policy p),
            s AS (
                SELECT p.*,
                       p.qual LIKE '(tenant_id = %app.tenant_id%' AND p.qual NOT ILIKE '% or %' AS qual_scoped,
                       p.checked LIKE '(tenant_id = %app.tenant_id%' AND p.checked NOT ILIKE '% or %' AS check_scoped
                  FROM p)
            SELECT format('%I.%I', n.nspname, c.relname),
                   bool_or(s.polcmd = '*' AND s.polpermissive AND s.qual_scoped AND s.check_scoped),
                   string_agg(s.polname, ', ') FILTER (WHERE s.polpermissive AND NOT (s.qual_scoped AND s.check_scoped))
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
              LEFT JOIN s ON s.polrelid = c.oid
             WHERE c.relkind IN ('r', 'p') AND n.nspname = $1
             GROUP BY 1
            """, schema))
        {
            Add(violations, row[1] is not true, (string)row[0]!,
                "needs a policy FOR ALL with USING and WITH CHECK comparing tenant_id with current_setting('app.tenant_id')");
            Add(violations, row[2] is string, (string)row[0]!, $"permissive policies not scoped to app.tenant_id: {row[2]}");
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), ic.relname
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indrelid
              JOIN pg_class ic ON ic.oid = i.indexrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE i.indisunique AND n.nspname = $1
               AND NOT (a.attnum = ANY ((i.indkey::int2[])[0:i.indnkeyatts - 1]))
             ORDER BY 1, 2
            """, schema))
        {
            violations.Add($"{row[0]}: unique index {row[1]} must include tenant_id");
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), con.conname, con.confdeltype
              FROM pg_constraint con
              JOIN pg_class c ON c.oid = con.conrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE con.contype = 'f' AND n.nspname = $1
               AND con.confrelid = 'public.tenants'::regclass AND con.confdeltype NOT IN ('a', 'r')
             ORDER BY 1, 2
            """, schema))
        {
            violations.Add(
                $"{row[0]}: foreign key {row[1]} must not cascade, set null or set default on delete from tenants (action '{row[2]}')");
        }

        // A tenant table referencing a tenant table must pair tenant_id with tenant_id, so that a row can
        // only ever point at a parent of its own academy.
        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), con.conname
              FROM pg_constraint con
              JOIN pg_class c ON c.oid = con.conrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attname = 'tenant_id' AND NOT ca.attisdropped
              JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attname = 'tenant_id' AND NOT pa.attisdropped
             WHERE con.contype = 'f' AND n.nspname = $1
               AND NOT EXISTS (
                   SELECT FROM generate_subscripts(con.conkey, 1) k
                    WHERE con.conkey[k] = ca.attnum AND con.confkey[k] = pa.attnum)
             ORDER BY 1, 2
            """, schema))
        {
            violations.Add(
                $"{row[0]}: foreign key {row[1]} must reference its parent by (tenant_id, ...) matched to the parent's tenant_id");
        }

        // The platform exports and erases an academy from every tenant table: without these rights a new
        // table's rows would be left behind by an erasure.
        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND n.nspname = $1
               AND NOT (coalesce(has_table_privilege(to_regrole('tatami_platform'), c.oid, 'SELECT'), false)
                        AND coalesce(has_table_privilege(to_regrole('tatami_platform'), c.oid, 'DELETE'), false))
             ORDER BY 1
            """, schema))
        {
            violations.Add($"{row[0]}: the platform role tatami_platform needs SELECT and DELETE (academy export and erasure)");
        }

        await PolicyBypasses.CheckAsync(connection, schema, violations);
        await CheckDistributionAsync(connection, schema, violations);
        return new Report(tables, violations);
    }

    /// <summary>The prefix of every rule that exists for distribution (Citus), not for the tenancy model itself.</summary>
    public const string DistributionRule = "to distribute by tenant_id";

    /// <summary>
    /// What <c>create_distributed_table('&lt;table&gt;', 'tenant_id')</c> for every tenant table and
    /// <c>create_reference_table('tenants')</c> need beyond the rules above (unique indexes and foreign keys
    /// that include tenant_id): one distribution column type, so that all tables are colocated; a primary key,
    /// the replica identity a shard move needs; foreign keys only to colocated tables or the reference table;
    /// no table that stays on the coordinator pointing into a distributed one; no triggers, which Citus does
    /// not run on shards by default.
    /// </summary>
    private static async Task CheckDistributionAsync(NpgsqlConnection connection, string schema, List<string> violations)
    {
        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), format_type(a.atttypid, a.atttypmod),
                   EXISTS (SELECT FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p')
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND n.nspname = $1
             ORDER BY 1
            """, schema))
        {
            Add(violations, (string)row[1]! != "uuid", (string)row[0]!,
                $"{DistributionRule}, tenant_id must be uuid like every other tenant table's (colocation), not {row[1]}");
            Add(violations, row[2] is not true, (string)row[0]!, $"{DistributionRule}, needs a primary key (replica identity)");
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), con.conname, con.confrelid::regclass::text,
                   EXISTS (SELECT FROM pg_attribute ca
                            WHERE ca.attrelid = con.conrelid AND ca.attname = 'tenant_id' AND NOT ca.attisdropped)
              FROM pg_constraint con
              JOIN pg_class c ON c.oid = con.conrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE con.contype = 'f' AND n.nspname = $1
               AND con.confrelid::regclass::text <> ALL($2)
               AND NOT EXISTS (SELECT FROM pg_attribute pa
                                WHERE pa.attrelid = con.confrelid AND pa.attname = 'tenant_id' AND NOT pa.attisdropped)
               AND EXISTS (SELECT FROM pg_attribute ca
                            WHERE ca.attrelid = con.conrelid AND ca.attname = 'tenant_id' AND NOT ca.attisdropped)
             ORDER BY 1, 2
            """, schema, ReferenceTables.All.ToArray()))
        {
            violations.Add($"{row[0]}: {DistributionRule}, foreign key {row[1]} may reference only tenant or reference tables, " +
                $"not {row[2]} (it would stay on the coordinator)");
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), con.conname, con.confrelid::regclass::text
              FROM pg_constraint con
              JOIN pg_class c ON c.oid = con.conrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE con.contype = 'f' AND n.nspname = $1
               AND NOT EXISTS (SELECT FROM pg_attribute ca
                                WHERE ca.attrelid = con.conrelid AND ca.attname = 'tenant_id' AND NOT ca.attisdropped)
               AND EXISTS (SELECT FROM pg_attribute pa
                            WHERE pa.attrelid = con.confrelid AND pa.attname = 'tenant_id' AND NOT pa.attisdropped)
             ORDER BY 1, 2
            """, schema))
        {
            violations.Add($"{row[0]}: {DistributionRule}, foreign key {row[1]} of a table without tenant_id " +
                $"may not reference the tenant table {row[2]}");
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), t.tgname
              FROM pg_trigger t
              JOIN pg_class c ON c.oid = t.tgrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE NOT t.tgisinternal AND n.nspname = $1
             ORDER BY 1, 2
            """, schema))
        {
            violations.Add($"{row[0]}: {DistributionRule}, trigger {row[1]} must go (not run on shards)");
        }

        await CheckDistributedAsync(connection, schema, violations);
    }

    /// <summary>
    /// On a Citus database, what the migration service's distribution must have made of the schema: every tenant
    /// table distributed by hash on tenant_id and colocated with students (else its rows stay on the coordinator, or
    /// a join of an academy's tables crosses nodes), <c>tenants</c> a reference table, and no subquery in a tenant
    /// table's policy, which Citus refuses on a distributed table.
    /// </summary>
    private static async Task CheckDistributedAsync(NpgsqlConnection connection, string schema, List<string> violations)
    {
        await using (var citus = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", connection))
        {
            if (await citus.ExecuteScalarAsync() is not true)
            {
                return;
            }
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), d.partmethod::text,
                   CASE WHEN d.partmethod = 'h' THEN column_to_column_name(d.logicalrelid, d.partkey) END,
                   d.colocationid = (SELECT colocationid FROM pg_dist_partition WHERE logicalrelid = 'public.students'::regclass)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
              LEFT JOIN pg_dist_partition d ON d.logicalrelid = c.oid
             WHERE c.relkind IN ('r', 'p') AND n.nspname = $1
             ORDER BY 1
            """, schema))
        {
            var table = (string)row[0]!;
            if (row[1] is null)
            {
                violations.Add($"{table}: {DistributionRule}, must be a distributed table (its rows would stay on the coordinator)");
                continue;
            }

            Add(violations, row[1] as string != "h" || row[2] as string != "tenant_id", table,
                $"{DistributionRule}, must be distributed by hash on tenant_id");
            Add(violations, row[3] is not true, table, $"{DistributionRule}, must be colocated with public.students");
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, c.relname), p.polname
              FROM pg_policy p
              JOIN pg_class c ON c.oid = p.polrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE n.nspname = $1
               AND (coalesce(pg_get_expr(p.polqual, p.polrelid), '') ILIKE '%select%'
                    OR coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '') ILIKE '%select%')
             ORDER BY 1, 2
            """, schema))
        {
            violations.Add($"{row[0]}: {DistributionRule}, policy {row[1]} may not contain a subquery (Citus refuses it)");
        }

        if (schema == "public")
        {
            foreach (var table in ReferenceTables.All)
            {
                await using var reference = new NpgsqlCommand(
                    $"SELECT partmethod::text FROM pg_dist_partition WHERE logicalrelid = 'public.{table}'::regclass", connection);
                Add(violations, await reference.ExecuteScalarAsync() as string != "n", $"public.{table}",
                    $"{DistributionRule}, must be a reference table (every node joins it)");
            }
        }
    }

    private static void Add(List<string> violations, bool violated, string table, string rule)
    {
        if (violated)
        {
            violations.Add($"{table}: {rule}");
        }
    }

    private static async IAsyncEnumerable<object?[]> QueryAsync(
        NpgsqlConnection connection, string sql, string schema, string[]? referenceTables = null)
    {
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = schema } } };
        if (referenceTables is not null)
        {
            command.Parameters.Add(new() { Value = referenceTables });
        }

        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            yield return values;
        }
    }
}
