namespace TatamiTech.Data.Platform;

/// <summary>
/// One platform action on an academy (created, suspended, resumed, exported, erased). Append-only: the platform
/// role may insert and read, never update or delete, and inserts neither the id nor the time, which the
/// database gives. Not tenant-owned: it outlives an erased academy.
/// </summary>
public sealed class PlatformAuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The operator's subject claim.</summary>
    public required string Operator { get; set; }

    public required string Action { get; set; }

    public Guid AcademyId { get; set; }

    public required string AcademySlug { get; set; }

    public string? Reason { get; set; }

    /// <summary>The academy's rows the action exported (one NDJSON line each) or erased; null for the others.</summary>
    public long? RowCount { get; set; }
}
