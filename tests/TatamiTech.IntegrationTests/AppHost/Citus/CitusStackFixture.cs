using TatamiTech.Hosting.LocalPostgres;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.AppHost.Citus;

/// <summary>The whole stack on a local Citus cluster (<c>Postgres:Mode=citus</c>): a coordinator and two workers.</summary>
public sealed class CitusStackFixture : StackFixture
{
    public override int ApiReplicaCount => 1;

    protected override IEnumerable<string> ExtraArguments => ["--Postgres:Mode=citus"];

    /// <summary>Whether the OS's PostgreSQL server has the Citus extension (tools/install-citus.sh builds it).</summary>
    public static bool Installed => LocalPostgresInstallation.Find() is { } server
        && File.Exists(Path.Combine(server.LibraryDirectory, "citus.so"));

    /// <summary>Whether the stack started: not where Citus is missing and not required (the tests then skip).</summary>
    public bool Available { get; private set; }

    public override async Task InitializeAsync()
    {
        if (!Installed && !OptionalServers.Required)
        {
            return;
        }

        await base.InitializeAsync();
        Available = true;
    }

    /// <summary>Skips the calling test where the cluster could not be started for want of Citus.</summary>
    public void SkipUnlessAvailable() => OptionalServers.SkipUnless(Available, "Citus", "run tools/install-citus.sh once");
}

[CollectionDefinition(Name)]
public sealed class CitusCollection : ICollectionFixture<CitusStackFixture>
{
    public const string Name = "citus";
}
