using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The local path's data, read from the app model (nothing started): F5 keeps the cluster, the suite never does,
/// and the clusters go under <c>Postgres:DataRoot</c>, else under roots named after this AppHost.
/// </summary>
public sealed class LocalPostgresDataShould
{
    [Fact]
    public async Task KeepTheClusterByDefault()
    {
        var server = await ServerAsync();

        Assert.NotNull(server.PersistentDataName);
        Assert.Equal("tatamitech-postgres", Path.GetFileName(server.PersistentDataRoot));
        Assert.StartsWith("tatamitech-postgres", Path.GetFileName(server.DataRoot), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepNoClusterWhenTheDataNeedNotBeKept()
    {
        Assert.Null((await ServerAsync("--Postgres:KeepData=false")).PersistentDataName);
    }

    [Fact]
    public async Task PutEveryClusterUnderTheConfiguredRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "tatamitech-configured-root");

        var server = await ServerAsync($"--Postgres:DataRoot={root}");

        Assert.Equal(root, server.DataRoot);
        Assert.Equal(root, server.PersistentDataRoot);
        Assert.False(Directory.Exists(root), "A model that is only built takes no cluster.");
    }

    private static async Task<LocalPostgresServerResource> ServerAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local", .. args], timeout.Token);
        return builder.Resources.OfType<LocalPostgresServerResource>().Single(r => r.Name == ResourceNames.Postgres);
    }
}
