using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using TatamiTech.AppHost.Postgres;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The local path's data, read from the app model (nothing started): F5 keeps the cluster, the suite never does,
/// and the clusters go under <c>Postgres:DataRoot</c>, else under roots named after this AppHost.
/// </summary>
public sealed class LocalPostgresDataShould
{
    [Fact]
    public void KeepTheClusterByDefault()
    {
        var server = Server();

        Assert.NotNull(server.PersistentDataName);
        Assert.Equal("tatamitech-postgres", Path.GetFileName(server.PersistentDataRoot));
        Assert.StartsWith("tatamitech-postgres", Path.GetFileName(server.DataRoot), StringComparison.Ordinal);
    }

    [Fact]
    public void KeepNoClusterWhenTheDataNeedNotBeKept()
    {
        Assert.Null(Server("--Postgres:KeepData=false").PersistentDataName);
    }

    [Fact]
    public void PutEveryClusterUnderTheConfiguredRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), $"tatamitech-configured-root-{Guid.NewGuid():N}");

        var server = Server($"--Postgres:DataRoot={root}");

        Assert.Equal(root, server.DataRoot);
        Assert.Equal(root, server.PersistentDataRoot);
        Assert.False(Directory.Exists(root), "A model that is only built takes no cluster.");
    }

    /// <summary>
    /// The database of the AppHost's model in local mode, on a builder of this AppHost's name, without running its
    /// Program: a testing builder that is disposed unbuilt lets the Program go on to run the app.
    /// </summary>
    private static LocalPostgresServerResource Server(params string[] args)
    {
        var appHost = typeof(TatamiDatabaseExtensions).Assembly.GetName().Name;
        var builder = DistributedApplication.CreateBuilder(["--Postgres:Mode=local", $"--applicationName={appHost}", .. args]);
        builder.AddTatamiDatabase();
        return builder.Resources.OfType<LocalPostgresServerResource>().Single(r => r.Name == ResourceNames.Postgres);
    }
}
