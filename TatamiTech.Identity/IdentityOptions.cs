using TatamiTech.Identity.Apps;

namespace TatamiTech.Identity;

/// <summary>Bound from the <c>Identity</c> section.</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>The issuer every token names, and the base of the discovery document: one for every academy.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>The audience of academy tokens: the API's.</summary>
    public string ApiAudience { get; set; } = "tatamitech-api";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The apps people sign in to, by client id.</summary>
    public List<AppClient> Apps { get; set; } = [];

    public AppClient? FindApp(string? clientId) =>
        clientId is null ? null : Apps.FirstOrDefault(a => string.Equals(a.ClientId, clientId, StringComparison.Ordinal));
}
