using TatamiTech.Platform.Academies;

namespace TatamiTech.Platform.Audit;

/// <summary>One entry to append to the audit: who did what to which academy, why, and how many of its rows.</summary>
public sealed record AuditRecord(string Operator, string Action, AcademyResponse Academy, string? Reason = null, long? RowCount = null);
