using TatamiTech.Data.Reports;

namespace TatamiTech.Api.Reports;

public sealed record RosterReportResponse(
    DateOnly Period,
    string TimeZone,
    DateTimeOffset AsOf,
    int TotalStudents,
    int NewStudentsLast30Days,
    IReadOnlyDictionary<string, int> StudentsByBeltRank)
{
    public static RosterReportResponse From(RosterReport report) => new(
        report.PeriodDate, report.TimeZone, report.AsOf, report.TotalStudents, report.NewStudentsLast30Days, report.StudentsByRank);
}
