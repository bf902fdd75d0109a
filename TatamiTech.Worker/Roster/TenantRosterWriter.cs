using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using TatamiTech.Data;
using TatamiTech.Data.Reports;
using TatamiTech.Data.Students;
using TatamiTech.Tenancy;

namespace TatamiTech.Worker.Roster;

/// <summary>
/// One academy's unit of work, run inside its tenant scope: every read goes through the tenant filters.
/// Claim, read and write happen in one transaction, so a worker that dies mid-way leaves nothing behind
/// and its claim is released with its connection.
/// </summary>
internal sealed class TenantRosterWriter(TatamiDbContext db, ITenantContext tenantContext)
{
    public async Task<(RosterOutcome Outcome, DateOnly Period)> WriteAsync(
        DateTimeOffset now,
        bool refresh,
        CancellationToken cancellationToken)
    {
        var tenant = tenantContext.Required;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            var timeZone = await db.Tenants.Where(t => t.Id == tenant.Id).Select(t => t.TimeZone).SingleAsync(ct);
            var period = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

            if (!await TryClaimAsync(transaction, tenant.Id, period, ct))
            {
                return (RosterOutcome.ClaimedElsewhere, period);
            }

            var report = await db.RosterReports.SingleOrDefaultAsync(r => r.PeriodDate == period, ct);
            if (report is not null && !refresh)
            {
                return (RosterOutcome.AlreadyDone, period);
            }

            var byRank = await db.Students
                .GroupBy(s => s.BeltRank)
                .Select(g => new { Rank = g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Rank, g => g.Count, ct);
            var monthAgo = now.AddDays(-30);
            var recent = await db.Students.CountAsync(s => s.CreatedAt > monthAgo, ct);

            report ??= db.RosterReports.Add(
                new RosterReport { Id = Guid.CreateVersion7(), PeriodDate = period, TimeZone = timeZone }).Entity;
            report.TimeZone = timeZone;
            report.AsOf = now;
            report.TotalStudents = byRank.Values.Sum();
            report.NewStudentsLast30Days = recent;
            report.StudentsByRank = BeltRanks.All.ToDictionary(rank => rank, rank => byRank.GetValueOrDefault(rank));

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return (RosterOutcome.Written, period);
        }, cancellationToken);
    }

    /// <summary>
    /// A transaction-scoped advisory lock on (academy, day): two workers never build the same report
    /// at once, and the lock goes away with the transaction however it ends.
    /// </summary>
    private async Task<bool> TryClaimAsync(IDbContextTransaction transaction, Guid tenantId, DateOnly period, CancellationToken ct)
    {
        DbCommand command = db.Database.GetDbConnection().CreateCommand();
        await using (command)
        {
            command.Transaction = transaction.GetDbTransaction();
            command.CommandText = "SELECT pg_try_advisory_xact_lock(hashtextextended('roster:' || @tenant || ':' || @period, 0))";
            var tenantParameter = command.CreateParameter();
            tenantParameter.ParameterName = "tenant";
            tenantParameter.Value = tenantId.ToString();
            var periodParameter = command.CreateParameter();
            periodParameter.ParameterName = "period";
            periodParameter.Value = period.ToString("O");
            command.Parameters.Add(tenantParameter);
            command.Parameters.Add(periodParameter);
            return (bool)(await command.ExecuteScalarAsync(ct))!;
        }
    }
}
