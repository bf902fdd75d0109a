namespace TatamiTech.Data.Reports;

/// <summary>An academy's roster on one of its calendar days: one row per academy and day.</summary>
public sealed class RosterReport : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; internal set; }

    /// <summary>The academy's calendar day the report is for.</summary>
    public DateOnly PeriodDate { get; set; }

    /// <summary>The zone that defined the day, as it was when the report was made.</summary>
    public required string TimeZone { get; set; }

    /// <summary>The instant the figures were read.</summary>
    public DateTimeOffset AsOf { get; set; }

    public int TotalStudents { get; set; }

    public int NewStudentsLast30Days { get; set; }

    /// <summary>Every rank of <see cref="Students.BeltRanks.All"/>, zeros included.</summary>
    public Dictionary<string, int> StudentsByRank { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}
