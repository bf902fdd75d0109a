using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TatamiTech.Data;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Authorization;

namespace TatamiTech.Api.Reports;

/// <summary>The academy's roster reports, written by the worker; read under the same tenant rules as students.</summary>
public static class RosterReportsApi
{
    public const int MaxRangeDays = 366;

    public static IEndpointRouteBuilder MapRosterReportsApi(this IEndpointRouteBuilder app)
    {
        // The academy's figures are the owner's.
        var reports = app.MapGroup("/reports/roster").WithTags("Reports").ForAcademyRoles(AcademyRoles.Owner);

        reports.MapGet("/latest", GetLatest).WithName("GetLatestRosterReport").WithSummary("The newest roster report.");
        reports.MapGet("/", ListInRange).WithName("ListRosterReports")
            .WithSummary("The roster reports of a date range (from, to: yyyy-MM-dd, at most 366 days).");

        return app;
    }

    public static async Task<Results<Ok<RosterReportResponse>, NotFound>> GetLatest(TatamiDbContext db, CancellationToken cancellationToken)
    {
        var report = await db.RosterReports.AsNoTracking()
            .OrderByDescending(r => r.PeriodDate)
            .FirstOrDefaultAsync(cancellationToken);
        return report is null ? TypedResults.NotFound() : TypedResults.Ok(RosterReportResponse.From(report));
    }

    public static async Task<Results<Ok<List<RosterReportResponse>>, ValidationProblem>> ListInRange(
        TatamiDbContext db, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (from is null)
        {
            errors["from"] = ["Required, as yyyy-MM-dd."];
        }

        if (to is null)
        {
            errors["to"] = ["Required, as yyyy-MM-dd."];
        }

        if (from is { } start && to is { } end && (end < start || end.DayNumber - start.DayNumber >= MaxRangeDays))
        {
            errors["to"] = [$"Must be on or after 'from' and within {MaxRangeDays} days of it."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var reports = await db.RosterReports.AsNoTracking()
            .Where(r => r.PeriodDate >= from!.Value && r.PeriodDate <= to!.Value)
            .OrderBy(r => r.PeriodDate)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(reports.Select(RosterReportResponse.From).ToList());
    }
}
