namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// Servers some tests need beyond Postgres: PgBouncer (the pooler tests) and Citus (the cluster tests). Where one is
/// not installed, its tests are reported as skipped with the way to install it, so that `dotnet test` on a fresh
/// machine passes; where <see cref="RequireVariable"/> is set (CI sets it), a missing server fails them instead.
/// </summary>
public static class OptionalServers
{
    public const string RequireVariable = "TATAMITECH_REQUIRE_ALL_SERVERS";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true";

    /// <summary>Skips the calling test when <paramref name="installed"/> is false and the servers are not required.</summary>
    public static void SkipUnless(bool installed, string what, string install) =>
        Skip.If(!installed && !Required, $"{what} is not installed on this machine: {install}. CI runs these tests ({RequireVariable}=1).");
}
