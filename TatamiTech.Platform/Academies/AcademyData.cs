using System.Data;
using System.Text;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Tenants;
using TatamiTech.Data.Wall;

namespace TatamiTech.Platform.Academies;

/// <summary>
/// An academy's own rows, every tenant-owned table of the model (<see cref="TenantOwnedTables"/>): exported
/// and erased inside that academy's tenant scope, so row-level security binds the platform role exactly as
/// it binds the services.
/// </summary>
public sealed class AcademyData(NpgsqlDataSource dataSource, AcademyStore store)
{
    /// <summary>
    /// Streams every row as one NDJSON line <c>{"table": ..., "row": {...}}</c>, parents before children,
    /// from one snapshot; rows are read and written one at a time, so memory does not grow with the academy.
    /// </summary>
    public async Task ExportAsync(Guid academyId, Stream output, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await EnterAsync(connection, transaction, academyId, ct);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        foreach (var table in TenantOwnedTables.InDeletionOrder.Reverse())
        {
            await using var command = new NpgsqlCommand(
                $"SELECT json_build_object('table', '{table}', 'row', row_to_json(t))::text FROM {table} t", connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            while (await reader.ReadAsync(ct))
            {
                await writer.WriteAsync(reader.GetString(0));
                await writer.WriteAsync('\n');
            }
        }

        await writer.FlushAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Deletes a suspended academy: its rows from every tenant-owned table, children first, then its
    /// directory row, in one transaction with the audit record and the announcement.
    /// </summary>
    public Task<ErasureResult> EraseAsync(string slug, string operatorSubject, CancellationToken ct) =>
        store.InTransactionAsync(async (connection, transaction) =>
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
            foreach (var table in TenantOwnedTables.InDeletionOrder)
            {
                await using var delete = new NpgsqlCommand($"DELETE FROM {table}", connection, transaction);
                deleted[table] = await delete.ExecuteNonQueryAsync(ct);
            }

            await using (var directory = new NpgsqlCommand("DELETE FROM tenants WHERE id = $1", connection, transaction))
            {
                directory.Parameters.Add(new NpgsqlParameter { Value = id });
                deleted["tenants"] = await directory.ExecuteNonQueryAsync(ct);
            }

            await AcademyStore.RecordAsync(connection, transaction, operatorSubject, "erase", academy!, reason: null, ct);
            return new ErasureResult(ErasureOutcome.Erased, deleted);
        }, ct);

    /// <summary>The academy's tenant scope for the rest of the transaction (the wall's own procedure).</summary>
    private static async Task EnterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid academyId, CancellationToken ct)
    {
        await using var enter = new NpgsqlCommand($"CALL {DatabaseWall.SetTenantProcedure}($1)", connection, transaction)
        {
            Parameters = { new() { Value = academyId } },
        };
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
