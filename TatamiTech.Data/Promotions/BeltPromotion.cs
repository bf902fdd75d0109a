namespace TatamiTech.Data.Promotions;

/// <summary>One step in a student's belt history. A child of <see cref="Students.Student"/> by (tenant_id, student_id).</summary>
public sealed class BeltPromotion : ITenantOwned
{
    public Guid Id { get; set; }

    /// <summary>Set by the data layer from the tenant in scope, never by callers.</summary>
    public Guid TenantId { get; internal set; }

    public Guid StudentId { get; set; }

    public required string FromRank { get; set; }

    public required string ToRank { get; set; }

    public DateOnly PromotedOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
