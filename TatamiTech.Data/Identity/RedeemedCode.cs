namespace TatamiTech.Data.Identity;

/// <summary>
/// An authorization code already exchanged for a token. Codes are self-contained (encrypted by the identity service);
/// this row is what makes one usable once: a second exchange finds it and is refused.
/// </summary>
public sealed class RedeemedCode : ITenantOwned
{
    public Guid TenantId { get; internal set; }

    /// <summary>The grant id the code carries: the row's id, like every tenant table's.</summary>
    public Guid Id { get; set; }

    public DateTimeOffset RedeemedAt { get; set; }
}
