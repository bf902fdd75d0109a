namespace TatamiTech.Platform.Clients;

/// <summary>An integration to register for an academy: what it is called and the academy role its tokens carry.</summary>
public sealed record RegisterClientRequest(string? Name, string? Role);

/// <summary>A registered integration, without its secret.</summary>
public sealed record ClientResponse(string ClientId, string Name, string Role, DateTimeOffset CreatedAt);

/// <summary>
/// A new integration with its secret, shown this once (only its hash is kept), and where it asks for tokens: the
/// token endpoint on its academy's host, which is the only host that accepts it.
/// </summary>
public sealed record RegisteredClientResponse(string ClientId, string ClientSecret, string Name, string Role, string TokenPath);
