namespace TatamiTech.AppHost;

/// <summary>Resource names, shared with the tests so that a typo is a compile error, not a hang.</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";

    /// <summary>The application database, as its owner: migrations only.</summary>
    public const string Database = "tatamidb";

    /// <summary>The same database as the runtime role, which row-level security applies to.</summary>
    public const string RuntimeDatabase = "tatamidb-runtime";

    public const string RuntimeRolePassword = "tatamidb-runtime-password";
    /// <summary>The one-shot migration service the API and the Worker wait for.</summary>
    public const string Migrations = "migrations";
    public const string Api = "api";
    public const string Worker = "worker";
    public const string JwtSigningKey = "jwt-signing-key";
}
