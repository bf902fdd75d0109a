namespace TatamiTech.Identity.Apps;

/// <summary>
/// A first-party app people sign in to (the academy's web and mobile apps): a public client (no secret, PKCE required)
/// whose redirect URIs are templates where <c>{academy}</c> stands for the academy the host names, so that an app's code
/// goes back to the same academy's address and nowhere else.
/// </summary>
public sealed class AppClient
{
    public const string AcademyPlaceholder = "{academy}";

    public string ClientId { get; set; } = "";

    public List<string> RedirectUris { get; set; } = [];

    /// <summary>Whether <paramref name="redirectUri"/> is one of this app's, for <paramref name="academySlug"/>: an exact match.</summary>
    public bool Allows(string? redirectUri, string academySlug) =>
        redirectUri is not null
        && RedirectUris.Any(template => string.Equals(
            template.Replace(AcademyPlaceholder, academySlug, StringComparison.Ordinal), redirectUri, StringComparison.Ordinal));
}
