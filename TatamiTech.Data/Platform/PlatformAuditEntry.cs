namespace TatamiTech.Data.Platform;

/// <summary>
/// One platform action (an academy created, suspended, resumed, erased). Append-only: the platform role
/// may insert and read, never update or delete. Not tenant-owned: it outlives an erased academy.
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
}
