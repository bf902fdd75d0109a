namespace TatamiTech.Names;

/// <summary>HTTP paths that callers outside the service itself (the AppHost, probes, tests, the bench) use.</summary>
public static class ServicePaths
{
    /// <summary>Ready: every health check passes.</summary>
    public const string Health = "/health";

    /// <summary>Alive: the process answers.</summary>
    public const string Alive = "/alive";

    /// <summary>The API's development token endpoint, on an academy's host.</summary>
    public const string DevTokens = "/dev/tokens";

    /// <summary>The platform service's development operator-token endpoint.</summary>
    public const string DevOperatorTokens = "/dev/operator-tokens";

    /// <summary>The Worker's "run the roster job now" endpoint, behind the dashboard command.</summary>
    public const string RosterRunNow = "/jobs/roster-reports/run";

    /// <summary>The identity service's authorization endpoint (the sign-in form), on an academy's host.</summary>
    public const string IdentityAuthorize = "/connect/authorize";

    /// <summary>Where a person accepts an invitation (followed by its token), on the academy's host.</summary>
    public const string IdentityInvitations = "/invitations";

    /// <summary>The identity service's token endpoint, on an academy's host.</summary>
    public const string IdentityToken = "/connect/token";

    /// <summary>The identity service's discovery document, the same on every host.</summary>
    public const string IdentityDiscovery = "/.well-known/openid-configuration";

    /// <summary>The identity service's published signing keys (the discovery document's <c>jwks_uri</c>).</summary>
    public const string IdentityKeys = "/.well-known/jwks";
}
