using Npgsql;

namespace TatamiTech.Platform.Academies;

/// <summary>
/// Every table of the application's schema with a <c>tenant_id</c> column, read from the database's catalog at
/// the moment of use rather than from the EF model: a table the model does not know (added by hand, by a script,
/// by a later migration while this process runs) is exported and erased like the others. The schema conformance
/// rules make every such table one the platform role may read and delete from, inside an academy's scope.
/// </summary>
public static class TenantTableCatalog
{
    /// <summary>The schema the migrations build and the conformance rules check.</summary>
    public const string Schema = "public";

    /// <summary>A tenant table: its name, and the name quoted for SQL.</summary>
    public sealed record TenantTable(string Name, string Sql);

    /// <summary>The tenant tables, each before the tenant tables it references (children first): the order to delete in.</summary>
    public static async Task<IReadOnlyList<TenantTable>> InDeletionOrderAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var tables = new Dictionary<uint, TenantTable>();
        await using (var command = new NpgsqlCommand(
            "SELECT c.oid, c.relname, format('%I.%I', n.nspname, c.relname) FROM pg_class c " +
            "JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped " +
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = $1 ORDER BY c.relname",
            connection,
            transaction) { Parameters = { new() { Value = Schema } } })
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tables[reader.GetFieldValue<uint>(0)] = new TenantTable(reader.GetString(1), reader.GetString(2));
            }
        }

        var references = new List<(uint Child, uint Parent)>();
        await using (var command = new NpgsqlCommand(
            "SELECT conrelid, confrelid FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                references.Add((reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1)));
            }
        }

        return Order(tables, references);
    }

    private static List<TenantTable> Order(Dictionary<uint, TenantTable> tables, List<(uint Child, uint Parent)> references)
    {
        var remaining = tables.Keys.ToHashSet();
        var ordered = new List<TenantTable>();
        while (remaining.Count > 0)
        {
            // Next: a table no remaining table references.
            var next = remaining.Where(t => !references.Any(r => r.Parent == t && r.Child != t && remaining.Contains(r.Child)))
                .OrderBy(t => tables[t].Name, StringComparer.Ordinal).Cast<uint?>().FirstOrDefault()
                ?? throw new InvalidOperationException("Tenant tables reference each other in a cycle; no order deletes them.");
            ordered.Add(tables[next]);
            remaining.Remove(next);
        }

        return ordered;
    }
}
