namespace TatamiTech.Data.Identity;

/// <summary>
/// A person's sign-in to an app, alive as long as its refresh tokens are: the one refresh token that may be used next
/// (each use replaces it), and when the grant was revoked. A refresh token presented after it was replaced is a stolen
/// or replayed one: the whole grant is revoked, so neither the thief nor the person can refresh again. An academy's
/// erasure deletes its grants, which stops every refresh at once.
/// </summary>
public sealed class SignInGrant : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; internal set; }

    public Guid AccountId { get; set; }

    /// <summary>The id of the refresh token that may be used next.</summary>
    public Guid CurrentRefresh { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
