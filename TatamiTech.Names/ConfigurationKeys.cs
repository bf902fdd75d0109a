namespace TatamiTech.Names;

/// <summary>Configuration keys set from outside a service (the AppHost, the bench, tests).</summary>
public static class ConfigurationKeys
{
    /// <summary>The HS256 key tokens are signed with (Development and tests).</summary>
    public const string JwtSigningKey = "Jwt:SigningKey";

    /// <summary>The OpenID Connect authority whose published keys sign the tokens a service accepts.</summary>
    public const string JwtAuthority = "Jwt:Authority";

    /// <summary>The identity service's issuer: the URL its tokens name and its discovery document lives under.</summary>
    public const string IdentityIssuer = "Identity:Issuer";

    /// <summary>The identity service's current signing key, a PKCS#8 PEM (ECDSA P-256).</summary>
    public const string IdentitySigningKey = "Identity:SigningKey";

    /// <summary>A retired signing key, still published so that tokens it signed stay valid until they expire.</summary>
    public const string IdentityRetiredSigningKey = "Identity:RetiredSigningKey";

    /// <summary>The password of the demo academies' members, given to the migration service on a local run.</summary>
    public const string DemoMemberPassword = "Demo:MemberPassword";

    /// <summary>The secret the identity service derives the key of its own encrypted tokens from.</summary>
    public const string IdentityEncryptionKey = "Identity:EncryptionKey";

    /// <summary>The key a caller of the Worker's run-now endpoint must send in <see cref="HeaderNames.RunKey"/>.</summary>
    public const string RosterRunKey = "Worker:Roster:RunKey";

    /// <summary>How many API processes the AppHost runs behind one address (1 by default).</summary>
    public const string ApiReplicas = "Api:Replicas";

    /// <summary>
    /// The OpenTelemetry SDK's switch for retrying failed OTLP exports ("in_memory", "disk", or empty for none):
    /// the AppHost empties it for services run locally.
    /// </summary>
    public const string OtlpExportRetry = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";

    /// <summary>A connection string's configuration key.</summary>
    public static string ConnectionString(string name) => $"ConnectionStrings:{name}";

    /// <summary>The environment variable that sets <paramref name="key"/> (<c>:</c> becomes <c>__</c>).</summary>
    public static string EnvironmentVariable(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
