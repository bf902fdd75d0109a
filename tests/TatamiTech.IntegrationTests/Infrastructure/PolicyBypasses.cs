using Npgsql;
using TatamiTech.Data.Distribution;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// The ways around row-level security that the schema itself could open, read from pg_catalog for the objects of
/// one schema: a view over a tenant table that is not security_invoker (it reads with its owner's rights, so one
/// made by a superuser or a BYPASSRLS role shows every academy), a materialized view
/// over a tenant table (its rows were read once, by whoever refreshed it), a SECURITY DEFINER function other than
/// the wall's own, a rule, or a trigger whose function writes a tenant table (it writes wherever its row leads,
/// whichever academy is in scope), and a tenant table owned by any role but the one that owns the directory
/// (the migrations' owner). A tenant table is a table with a tenant_id column, in any schema.
/// </summary>
public static class PolicyBypasses
{
    /// <summary>SECURITY DEFINER functions that are part of the wall itself: none today, and the procedure if ever.</summary>
    public static readonly string[] WallFunctions = ["app_set_tenant"];

    /// <summary>
    /// SECURITY DEFINER functions of a distributed database that place an academy's shards (Citus lets only the
    /// tables' owner split and move them): they read and write no row, and only the platform role may run them.
    /// </summary>
    public static readonly string[] PlacementFunctions =
        [AcademyPlacementFunctions.Isolate, AcademyPlacementFunctions.Move, AcademyPlacementFunctions.Window];

    private const string TenantTables = """
        tenant_tables AS (
            SELECT c.oid, c.relname
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema'))
        """;

    public static async Task CheckAsync(NpgsqlConnection connection, string schema, List<string> violations)
    {
        // Views and materialized views that read a tenant table, directly or through other views.
        await foreach (var row in QueryAsync(connection, $"""
            WITH RECURSIVE {TenantTables},
            reads (view_oid, table_oid) AS (
                SELECT DISTINCT r.ev_class, d.refobjid
                  FROM pg_rewrite r
                  JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                  AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
                 WHERE r.rulename = '_RETURN'),
            over_tenant (view_oid, table_oid) AS (
                SELECT r.view_oid, r.table_oid FROM reads r JOIN tenant_tables t ON t.oid = r.table_oid
                UNION
                SELECT r.view_oid, o.table_oid FROM reads r JOIN over_tenant o ON o.view_oid = r.table_oid)
            SELECT DISTINCT format('%I.%I', n.nspname, v.relname), v.relkind::text,
                   EXISTS (SELECT FROM unnest(v.reloptions) o
                            WHERE lower(o) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=1'))
              FROM over_tenant o
              JOIN pg_class v ON v.oid = o.view_oid
              JOIN pg_namespace n ON n.oid = v.relnamespace
             WHERE n.nspname = $1
             ORDER BY 1
            """, schema))
        {
            if ((string)row[1]! == "m")
            {
                violations.Add($"{row[0]}: a materialized view must not read a tenant table (its rows escape the policies)");
            }
            else if (row[2] is not true)
            {
                violations.Add($"{row[0]}: a view over a tenant table must be security_invoker (WITH (security_invoker = true))");
            }
        }

        await foreach (var row in QueryAsync(connection, """
            SELECT format('%I.%I', n.nspname, p.proname)
              FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.prosecdef AND n.nspname = $1 AND NOT (p.proname = ANY ($2))
             ORDER BY 1
            """, schema, WallFunctions.Concat(PlacementFunctions).ToArray()))
        {
            violations.Add(
                $"{row[0]}: no function may be SECURITY DEFINER but the wall's own (it runs past the caller's policies)");
        }

        await foreach (var row in QueryAsync(connection, $"""
            SELECT format('%I.%I', n.nspname, p.proname)
              FROM pg_proc p
              JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE p.prosecdef AND n.nspname = $1 AND p.proname = ANY ($2)
               AND (has_function_privilege('{DatabaseRoles.Runtime}', p.oid, 'EXECUTE')
                    OR EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0))
             ORDER BY 1
            """, schema, PlacementFunctions))
        {
            violations.Add($"{row[0]}: only the platform role may run a placement function (it runs as the tables' owner)");
        }

        // The directory's trigger only announces (pg_notify); a trigger whose function writes a tenant table is refused.
        await foreach (var row in QueryAsync(connection, $"""
            WITH {TenantTables}
            SELECT DISTINCT format('%I.%I', n.nspname, c.relname), tg.tgname, t.relname
              FROM pg_trigger tg
              JOIN pg_class c ON c.oid = tg.tgrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_proc p ON p.oid = tg.tgfoid
              JOIN tenant_tables t
                ON p.prosrc ~* ('(insert\s+into|update|delete\s+from|merge\s+into|copy)\s+(only\s+)?("?\w+"?\.)?"?'
                                || t.relname || '\y')
             WHERE NOT tg.tgisinternal AND n.nspname = $1
             ORDER BY 1, 2, 3
            """, schema))
        {
            violations.Add(
                $"{row[0]}: trigger {row[1]} must not write the tenant table {row[2]} (it writes past the academy in scope)");
        }

        await foreach (var row in QueryAsync(connection, $"""
            WITH {TenantTables}
            SELECT format('%I.%I', n.nspname, c.relname), r.rulename
              FROM pg_rewrite r
              JOIN pg_class c ON c.oid = r.ev_class
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE r.rulename <> '_RETURN' AND n.nspname = $1
               AND (c.oid IN (SELECT oid FROM tenant_tables)
                    OR EXISTS (SELECT FROM pg_depend d
                                WHERE d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                  AND d.refclassid = 'pg_class'::regclass AND d.refobjid IN (SELECT oid FROM tenant_tables)))
             ORDER BY 1, 2
            """, schema))
        {
            violations.Add(
                $"{row[0]}: rule {row[1]} must go (a rule on or into a tenant table rewrites writes past the policies)");
        }

        await foreach (var row in QueryAsync(connection, $"""
            WITH {TenantTables}
            SELECT format('%I.%I', n.nspname, c.relname), pg_get_userbyid(c.relowner)
              FROM tenant_tables t
              JOIN pg_class c ON c.oid = t.oid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relowner <> (SELECT relowner FROM pg_class WHERE oid = 'public.tenants'::regclass)
             ORDER BY 1
            """, schema))
        {
            violations.Add($"{row[0]}: owned by {row[1]}; only the schema's owner (the owner of tenants) may own a tenant table");
        }
    }

    private static async IAsyncEnumerable<object?[]> QueryAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
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
