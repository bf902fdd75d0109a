using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.Data.Students;
using TatamiTech.Tenancy;

namespace TatamiTech.Worker.Roster;

/// <summary>
/// One academy's unit of work, run inside its tenant scope: one statement, one round trip. The wall puts
/// the academy in front of it in the same batch, so row-level security scopes every table it touches, and
/// it names the academy in every WHERE clause as well. Claim, check, aggregate and write happen in that
/// statement's transaction, so a worker that dies mid-way leaves nothing behind and its claim goes with it.
/// </summary>
internal sealed class TenantRosterWriter(TatamiDbContext db, NpgsqlDataSource dataSource, ITenantContext tenantContext)
{
    public Task<(RosterOutcome Outcome, DateOnly Period)> WriteAsync(
        DateTimeOffset now,
        bool refresh,
        CancellationToken cancellationToken) =>
        // The service's retrying strategy: the statement is idempotent, so a transient failure is simply sent again.
        db.Database.CreateExecutionStrategy().ExecuteAsync(ct => ExecuteAsync(now, refresh, ct), cancellationToken);

    private async Task<(RosterOutcome Outcome, DateOnly Period)> ExecuteAsync(
        DateTimeOffset now,
        bool refresh,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = WalledBatch.Create(connection, tenantContext);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Statement)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = tenantContext.Required.Id },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now.AddDays(-30) },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = refresh },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = Guid.CreateVersion7() },
            },
        });

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The academy is no longer in the directory.");
        }

        var period = reader.GetFieldValue<DateOnly>(0);
        var outcome = !reader.GetBoolean(1) ? RosterOutcome.ClaimedElsewhere
            : reader.GetBoolean(2) ? RosterOutcome.Written
            : RosterOutcome.AlreadyDone;
        return (outcome, period);
    }

    /// <summary>
    /// The claim is a transaction-scoped advisory lock on (academy, day): two workers never build the same
    /// report at once. The upsert updates an existing report only on a refresh, so a report another worker
    /// committed after this statement's snapshot is left alone and counted as already done. The commit does
    /// not wait for the disk (<c>synchronous_commit</c> off for this transaction alone): a report lost to a
    /// server crash in that instant is rewritten by the next run, and each academy's report stays one
    /// atomic write. The ranks are the code's own constants, spelled into the text once. Parameters:
    /// $1 academy, $2 now, $3 thirty days before, $4 refresh, $5 a new report's id.
    /// </summary>
    private static readonly string Statement = $"""
        WITH claim AS (
            SELECT t.time_zone, d.period_date,
                   pg_try_advisory_xact_lock(hashtextextended('roster:' || t.id::text || ':' || d.period_date::text, 0)) AS claimed,
                   set_config('synchronous_commit', 'off', true) AS commit_mode
              FROM tenants t, LATERAL (SELECT ($2 AT TIME ZONE t.time_zone)::date AS period_date) d
             WHERE t.id = $1
        ), summary AS (
            SELECT count(*)::int AS total, (count(*) FILTER (WHERE s.created_at > $3))::int AS recent,
                   jsonb_build_object({string.Join(", ", BeltRanks.All.Select(rank =>
                       $"'{rank}', count(*) FILTER (WHERE s.belt_rank = '{rank}')"))}) AS by_rank
              FROM students s WHERE s.tenant_id = $1
        ), written AS (
            INSERT INTO roster_reports AS r
                   (id, tenant_id, period_date, time_zone, as_of, total_students, new_students_last30days, students_by_rank)
            SELECT $5, $1, c.period_date, c.time_zone, $2, s.total, s.recent, s.by_rank
              FROM claim c, summary s
             WHERE c.claimed AND ($4 OR NOT EXISTS (
                   SELECT 1 FROM roster_reports e WHERE e.tenant_id = $1 AND e.period_date = c.period_date))
            ON CONFLICT (tenant_id, period_date) DO UPDATE
               SET time_zone = excluded.time_zone, as_of = excluded.as_of, total_students = excluded.total_students,
                   new_students_last30days = excluded.new_students_last30days, students_by_rank = excluded.students_by_rank
             WHERE $4
            RETURNING 1
        )
        SELECT c.period_date, c.claimed, EXISTS (SELECT 1 FROM written)
          FROM claim c
        """;

}
