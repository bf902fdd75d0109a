namespace TatamiTech.AppHost;

/// <summary>Resource names, shared with the tests so that a typo is a compile error, not a hang.</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string Database = "tatamidb";
    public const string Api = "api";
    public const string Worker = "worker";
    public const string JwtSigningKey = "jwt-signing-key";
}
