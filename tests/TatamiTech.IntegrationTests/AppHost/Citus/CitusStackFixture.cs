using TatamiTech.Hosting.LocalPostgres;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

/// <summary>The whole stack on a local Citus cluster (<c>Postgres:Mode=citus</c>): a coordinator and two workers.</summary>
public sealed class CitusStackFixture : StackFixture
{
    public override int ApiReplicaCount => 1;

    protected override IEnumerable<string> ExtraArguments => ["--Postgres:Mode=citus"];

    /// <summary>Whether the OS's PostgreSQL server has the Citus extension (tools/install-citus.sh builds it).</summary>
    public static bool Installed => LocalPostgresInstallation.Find()?.HasExtensionLibrary("citus") == true;

    public override async Task InitializeAsync()
    {
        if (!Installed && !OptionalServers.Required)
        {
            return;
        }

        await base.InitializeAsync();
    }

    /// <summary>Skips the calling test where the cluster could not be started for want of Citus.</summary>
    public override void SkipUnlessStarted() => OptionalServers.SkipUnless(Started, "Citus", "run tools/install-citus.sh once");
}

[CollectionDefinition(Name)]
public sealed class CitusCollection : ICollectionFixture<CitusStackFixture>
{
    public const string Name = "citus";
}
