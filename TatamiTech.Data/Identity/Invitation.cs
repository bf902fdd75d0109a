namespace TatamiTech.Data.Identity;

/// <summary>
/// An invitation to join one academy in one role: its token is shown once (kept as its SHA-256 hash, like a client
/// secret), it expires, and it can be accepted once, on that academy's host only.
/// </summary>
public sealed class Invitation : ITenantOwned
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public Guid Id { get; set; }

    public Guid TenantId { get; internal set; }

    public required byte[] TokenHash { get; set; }

    /// <summary>One of <see cref="Names.AcademyRoles.All"/>.</summary>
    public required string Role { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
