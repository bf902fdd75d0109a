using System.Data;
using System.Text;
using Npgsql;
using TatamiTech.Data.Tenants;
using TatamiTech.Data.Wall;
using TatamiTech.Platform.Audit;

namespace TatamiTech.Platform.Academies;

/// <summary>
/// An academy's own rows, in every table of the catalog with a tenant_id column (<see cref="TenantTableCatalog"/>):
/// exported and erased inside that academy's tenant scope, so row-level security binds the platform role exactly as
/// it binds the services, and by the academy's id as well, so a table whose rules are broken still gives up only
/// that academy's rows. Both are written to the audit with the number of rows.
/// </summary>
public sealed class AcademyData(NpgsqlDataSource dataSource, AcademyStore store)
{
    /// <summary>
    /// Streams every row as one NDJSON line <c>{"table": ..., "row": {...}}</c>, parents before children,
    /// from one snapshot; rows are read and written one at a time, so memory does not grow with the academy.
    /// The audit records the lines written, also when the stream breaks off: those handed to the writer, so up to
    /// one write buffer (16 KB) more than reached the client.
    /// </summary>
    public async Task ExportAsync(AcademyResponse academy, string operatorSubject, Stream output, CancellationToken ct)
    {
        long lines = 0;
        var complete = false;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await EnterAsync(connection, transaction, academy.Id, ct);
            var tables = await TenantTableCatalog.InDeletionOrderAsync(connection, transaction, ct);
            await using var writer = new StreamWriter(
                output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
            foreach (var table in tables.Reverse())
            {
                await using var command = new NpgsqlCommand(
                    "SELECT json_build_object('table', $1::text, 'row', row_to_json(t))::text " +
                    $"FROM {table.Sql} t WHERE t.tenant_id = $2",
                    connection,
                    transaction)
                {
                    Parameters = { new() { Value = table.Name }, new() { Value = academy.Id } },
                };
                await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
                while (await reader.ReadAsync(ct))
                {
                    await writer.WriteAsync(reader.GetString(0));
                    await writer.WriteAsync('\n');
                    lines++;
                }
            }

            await writer.FlushAsync(ct);
            await transaction.CommitAsync(ct);
            complete = true;
        }
        finally
        {
            // On a connection of its own and whatever became of the request: a read that was cut short still happened.
            var reason = complete ? null : "Interrupted: the export did not complete.";
            await store.InTransactionAsync(
                async (connection, transaction) =>
                {
                    var record = new AuditRecord(operatorSubject, AuditActions.Export, academy, reason, lines);
                    await AcademyStore.RecordAsync(connection, transaction, record, CancellationToken.None);
                    return true;
                },
                CancellationToken.None);
        }
    }

    /// <summary>
    /// Deletes a suspended academy: its rows from every tenant table, children first, then its directory row, in
    /// one transaction with the audit record, then announced.
    /// </summary>
    public async Task<ErasureResult> EraseAsync(string slug, string operatorSubject, CancellationToken ct)
    {
        var result = await store.InTransactionAsync(async (connection, transaction) =>
        {
            await using var find = new NpgsqlCommand("SELECT id, status FROM tenants WHERE slug = $1 FOR UPDATE", connection, transaction)
            {
                Parameters = { new() { Value = slug } },
            };
            Guid id;
            await using (var reader = await find.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    return ErasureResult.NotFound;
                }

                if (reader.GetString(1) != TenantStatuses.Suspended)
                {
                    return ErasureResult.NotSuspended;
                }

                id = reader.GetGuid(0);
            }

            var academy = await store.FindAsync(connection, transaction, slug, ct);
            await EnterAsync(connection, transaction, id, ct);
            var deleted = new Dictionary<string, int>();
            foreach (var table in await TenantTableCatalog.InDeletionOrderAsync(connection, transaction, ct))
            {
                await using var delete = new NpgsqlCommand($"DELETE FROM {table.Sql} WHERE tenant_id = $1", connection, transaction)
                {
                    Parameters = { new() { Value = id } },
                };
                deleted[table.Name] = await delete.ExecuteNonQueryAsync(ct);
            }

            var rows = deleted.Values.Sum(count => (long)count);
            await using (var directory = new NpgsqlCommand("DELETE FROM tenants WHERE id = $1", connection, transaction))
            {
                directory.Parameters.Add(new NpgsqlParameter { Value = id });
                deleted["tenants"] = await directory.ExecuteNonQueryAsync(ct);
            }

            await AcademyStore.RecordAsync(
                connection, transaction, new AuditRecord(operatorSubject, AuditActions.Erase, academy!, RowCount: rows), ct);
            return new ErasureResult(ErasureOutcome.Erased, deleted);
        }, ct);
        if (result.Outcome == ErasureOutcome.Erased)
        {
            await store.AnnounceAsync(slug, ct);
        }

        return result;
    }

    /// <summary>The academy's tenant scope for the rest of the transaction (the wall's own procedure).</summary>
    private static async Task EnterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid academyId, CancellationToken ct)
    {
        await using var enter = TenantSetting.For(connection, transaction, academyId);
        await enter.ExecuteNonQueryAsync(ct);
    }
}

public enum ErasureOutcome
{
    Erased,
    NotFound,
    NotSuspended,
}

public sealed record ErasureResult(ErasureOutcome Outcome, IReadOnlyDictionary<string, int>? Deleted)
{
    public static readonly ErasureResult NotFound = new(ErasureOutcome.NotFound, null);
    public static readonly ErasureResult NotSuspended = new(ErasureOutcome.NotSuspended, null);
}
