namespace TatamiTech.Tenancy.AspNetCore.Authentication;

/// <summary>
/// Bound from the <c>Jwt</c> section. <see cref="Authority"/> (OIDC discovery, the identity service), <see cref="SigningKey"/>
/// (HS256, Development and tests) or, in Development, both must be set.
/// </summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";

    /// <summary>HS256 keys shorter than this are refused: 256 bits is the algorithm's own key size.</summary>
    public const int MinimumSigningKeyBytes = 32;

    public string? Authority { get; set; }

    public string? SigningKey { get; set; }

    /// <summary>
    /// HS256 outside Development only when set: a shared secret signs and verifies alike, so every
    /// service holding it could mint any academy's tokens. Production uses <see cref="Authority"/>.
    /// </summary>
    public bool AllowSymmetricKey { get; set; }

    public string Issuer { get; set; } = "tatamitech-dev";

    public string Audience { get; set; } = "tatamitech-api";

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How soon a failed read of the authority's discovery document or keys is tried again.</summary>
    public TimeSpan MetadataRetryInterval { get; set; } = TimeSpan.FromSeconds(10);
}
