namespace TatamiTech.Platform.Invitations;

/// <summary>An invitation to issue: the role the person will have in the academy.</summary>
public sealed record InviteRequest(string? Role);

/// <summary>
/// An invitation, shown once: the identity service's path on the academy's host where the person accepts it
/// (<c>https://{academy}.tatamitech.com{Path}</c>), the role it gives, and when it expires.
/// </summary>
public sealed record InvitationResponse(string Path, string Role, DateTimeOffset ExpiresAt);
