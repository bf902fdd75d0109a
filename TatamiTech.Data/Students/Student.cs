namespace TatamiTech.Data.Students;

public sealed class Student : ITenantOwned
{
    public Guid Id { get; set; }

    /// <summary>Set by the data layer from the tenant in scope, never by callers.</summary>
    public Guid TenantId { get; internal set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    /// <summary>Stored lowercased: uniqueness per academy is case-insensitive.</summary>
    public required string Email { get; set; }

    public required string BeltRank { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
