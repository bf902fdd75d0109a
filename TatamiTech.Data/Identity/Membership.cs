using TatamiTech.Names;
namespace TatamiTech.Data.Identity;

/// <summary>A person's place in one academy, with the role their tokens of that academy carry.</summary>
public sealed class Membership : ITenantOwned
{
    public const string TableName = "memberships";

    public Guid Id { get; set; }

    public Guid TenantId { get; internal set; }

    public Guid AccountId { get; set; }

    /// <summary>One of <see cref="AcademyRoles.All"/>.</summary>
    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
