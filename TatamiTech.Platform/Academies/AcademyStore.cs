using Npgsql;
using TatamiTech.Data.Tenants;
using TatamiTech.Names;
using TatamiTech.Platform.Audit;
using TatamiTech.Platform.Invitations;
using TatamiTech.ServiceDefaults.Paging;

namespace TatamiTech.Platform.Academies;

/// <summary>
/// The academy directory as the platform role writes it. Each change is one transaction with its audit
/// record; the database announces it on <see cref="DirectoryChannel.Name"/> (delivered at commit, so no
/// process hears of a change that did not happen).
/// </summary>
public sealed class AcademyStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, slug, name, time_zone, status, created_at, suspended_reason, suspended_at";

    /// <returns>
    /// The new academy with its owner's invitation, or null when the slug is taken (the unique index decides, also under
    /// races).
    /// </returns>
    public async Task<ProvisionedAcademyResponse?> CreateAsync(
        CreateAcademyRequest request, string operatorSubject, DateTimeOffset now, CancellationToken ct)
    {
        var created = await InTransactionAsync(async (connection, transaction) =>
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO tenants (id, slug, name, time_zone) VALUES ($1, $2, $3, $4) " +
                $"ON CONFLICT (slug) DO NOTHING RETURNING {Columns}",
                connection,
                transaction)
            {
                Parameters =
                {
                    new() { Value = Guid.CreateVersion7() },
                    new() { Value = request.Slug! },
                    new() { Value = request.Name!.Trim() },
                    new() { Value = request.TimeZone! },
                },
            };
            var academy = await ReadOneAsync(insert, ct);
            if (academy is null)
            {
                return null;
            }

            await RecordAsync(connection, transaction, new AuditRecord(operatorSubject, AuditActions.Create, academy), ct);
            var invitation = await InvitationIssuer.IssueAsync(
                connection, transaction, academy, AcademyRoles.Owner, operatorSubject, now, ct);
            return new ProvisionedAcademyResponse(academy, invitation);
        }, ct);
        if (created is not null)
        {
            await AnnounceAsync(created.Slug, ct);
        }

        return created;
    }

    /// <returns>The academy after the change; null when there is no such academy; unchanged when it was already so.</returns>
    public async Task<(AcademyResponse? Academy, bool Changed)> SetStatusAsync(
        string slug, string status, string? reason, string operatorSubject, CancellationToken ct)
    {
        var result = await InTransactionAsync(async (connection, transaction) =>
        {
            // Two statements rather than a CASE: a distributed database (Citus) evaluates now() for a reference table's
            // write only outside a CASE.
            var suspending = status == TenantStatuses.Suspended;
            var set = suspending ? "suspended_reason = $3, suspended_at = now()" : "suspended_reason = NULL, suspended_at = NULL";
            await using var update = new NpgsqlCommand(
                $"UPDATE tenants SET status = $2, {set} WHERE slug = $1 AND status <> $2 RETURNING {Columns}",
                connection,
                transaction)
            {
                Parameters = { new() { Value = slug }, new() { Value = status } },
            };
            if (suspending)
            {
                update.Parameters.Add(new() { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            }
            var changed = await ReadOneAsync(update, ct);
            if (changed is null)
            {
                return (await FindAsync(connection, transaction, slug, ct), false);
            }

            var action = status == TenantStatuses.Suspended ? AuditActions.Suspend : AuditActions.Resume;
            await RecordAsync(connection, transaction, new AuditRecord(operatorSubject, action, changed, reason), ct);
            return (changed, true);
        }, ct);
        if (result.Item2)
        {
            await AnnounceAsync(slug, ct);
        }

        return result;
    }

    /// <summary>
    /// Tells every API process, once the change is committed, that an academy's directory row changed. On one
    /// server the directory's trigger announces every change as well (hand-written SQL included); a distributed
    /// database has no such trigger, as a NOTIFY cannot be part of the two-phase commit that writes a reference table,
    /// so the writer announces after its commit. An announcement twice costs a second read of one row.
    /// </summary>
    internal async Task AnnounceAsync(string slug, CancellationToken ct)
    {
        await using var notify = dataSource.CreateCommand($"SELECT pg_notify('{DirectoryChannel.Name}', $1)");
        notify.Parameters.Add(new() { Value = slug });
        await notify.ExecuteNonQueryAsync(ct);
    }

    public async Task<AcademyResponse?> FindAsync(string slug, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await FindAsync(connection, null, slug, ct);
    }

    public async Task<AcademyPage> ListAsync(string? status, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns}, count(*) OVER () FROM tenants WHERE ($1::text IS NULL OR status = $1) ORDER BY slug LIMIT $2 OFFSET $3",
            connection)
        {
            Parameters =
            {
                new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                new() { Value = page.Size },
                new() { Value = page.Offset },
            },
        };
        var items = new List<AcademyResponse>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(Read(reader));
            total = reader.GetInt64(8);
        }

        if (items.Count == 0 && page.Number > 1)
        {
            total = await CountAsync(connection, status, ct);
        }

        return new AcademyPage(items, page.Number, page.Size, total);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string? status, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM tenants WHERE ($1::text IS NULL OR status = $1)", connection)
        {
            Parameters = { new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } },
        };
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    internal async Task<AcademyResponse?> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string slug, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM tenants WHERE slug = $1", connection, transaction)
        {
            Parameters = { new() { Value = slug } },
        };
        return await ReadOneAsync(command, ct);
    }

    /// <summary>
    /// The audit record, in the change's own transaction. The change to the directory row announces itself (a
    /// trigger on tenants), so every service hears of it when the transaction commits.
    /// </summary>
    internal static async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, AuditRecord record, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(
                    "INSERT INTO platform_audit (operator, action, academy_id, academy_slug, reason, row_count) " +
                    "VALUES ($1, $2, $3, $4, $5, $6)")
                {
                    Parameters =
                    {
                        new() { Value = record.Operator },
                        new() { Value = record.Action },
                        new() { Value = record.Academy.Id },
                        new() { Value = record.Academy.Slug },
                        new() { Value = (object?)record.Reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                        new() { Value = (object?)record.RowCount ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint },
                    },
                },
            },
        };

        await batch.ExecuteNonQueryAsync(ct);
    }

    internal async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(ct);
        return result;
    }

    private static async Task<AcademyResponse?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    private static AcademyResponse Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
}
