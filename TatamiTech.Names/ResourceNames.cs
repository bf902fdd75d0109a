namespace TatamiTech.Names;

/// <summary>The AppHost's resources, as the dashboard and the tests name them.</summary>
public static class ResourceNames
{
    /// <summary>The Postgres server; in Citus mode, the cluster's coordinator.</summary>
    public const string Postgres = "postgres";

    /// <summary>The owner's password of every local server (the coordinator's and the workers' alike in Citus mode).</summary>
    public const string PostgresPassword = "postgres-password";

    /// <summary>The worker nodes of a local Citus cluster (Postgres:Mode=citus), each a server of its own.</summary>
    public static readonly string[] CitusWorkers = ["postgres-worker-1", "postgres-worker-2"];

    /// <summary>The application database as its owner: given to the migration service alone.</summary>
    public const string OwnerDatabase = "tatamidb";

    /// <summary>The same database as the runtime role, which row-level security applies to.</summary>
    public const string RuntimeDatabase = "tatamidb-runtime";

    public const string RuntimeRolePassword = "tatamidb-runtime-password";

    /// <summary>The same database as the platform role: the academy directory and academies' lifecycles.</summary>
    public const string PlatformDatabase = "tatamidb-platform";

    public const string PlatformRolePassword = "tatamidb-platform-password";

    /// <summary>The same database as the identity role: academies' clients and members, one academy at a time.</summary>
    public const string IdentityDatabase = "tatamidb-identity";

    public const string IdentityRolePassword = "tatamidb-identity-password";

    /// <summary>The identity service's signing key (ECDSA P-256, PKCS#8 PEM); its public half is published as JWKS.</summary>
    public const string IdentitySigningKey = "identity-signing-key";

    /// <summary>The password of the demo academies' demo members (one per role), generated and shown in the dashboard.</summary>
    public const string DemoMemberPassword = "demo-member-password";

    /// <summary>The key the identity service encrypts its own codes and refresh tokens with.</summary>
    public const string IdentityEncryptionKey = "identity-encryption-key";

    /// <summary>The HS256 development key of operator tokens (a key of its own: academy tokens never pass).</summary>
    public const string PlatformSigningKey = "platform-signing-key";

    public const string JwtSigningKey = "jwt-signing-key";

    /// <summary>Published models only: the identity provider's issuer URL, in place of the development keys.</summary>
    public const string OidcAuthority = "oidc-authority";

    /// <summary>The secret that starts a roster run on the Worker, sent by the dashboard's command.</summary>
    public const string WorkerRunKey = "worker-run-key";

    /// <summary>The one-shot migration service the API and the Worker wait for.</summary>
    public const string Migrations = "migrations";

    public const string Api = "api";

    public const string Worker = "worker";

    /// <summary>The identity service: the OpenID Connect server that issues academies' tokens on their hosts.</summary>
    public const string Identity = "identity";

    /// <summary>The platform service: provisions, suspends and resumes academies.</summary>
    public const string Platform = "platform";
}
