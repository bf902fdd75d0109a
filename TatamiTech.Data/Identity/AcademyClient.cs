using TatamiTech.Names;
namespace TatamiTech.Data.Identity;

/// <summary>
/// An academy's integration: an OAuth client of one academy that gets tokens with the client credentials grant,
/// on that academy's host only. Its secret is kept as a hash (<see cref="ClientSecret"/>); the clear secret is
/// shown once, when the client is registered.
/// </summary>
public sealed class AcademyClient : ITenantOwned
{
    public const string TableName = "academy_clients";

    public Guid Id { get; set; }

    public Guid TenantId { get; internal set; }

    /// <summary>What the client sends as <c>client_id</c>; unique within its academy.</summary>
    public required string ClientId { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>SHA-256 of the secret: secrets are random and long, so a slow password hash adds nothing.</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary>The academy role its tokens carry (<see cref="AcademyRoles"/>).</summary>
    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
