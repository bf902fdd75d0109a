using System.Diagnostics;

namespace TatamiTech.IntegrationTests.Api.Database;

/// <summary>
/// A stack of its own, with a local Postgres server whose data lies under the fixture's own directory, so that
/// a test can take the server down without disturbing any other test.
/// </summary>
public sealed class OutageStackFixture : Infrastructure.StackFixture
{
    /// <summary>One API process: the drill is about one process riding out the outage, and the machine's cores.</summary>
    public override int ApiReplicaCount => 1;

    protected override IEnumerable<string> ExtraArguments => ["--Postgres:Mode=local"];

    /// <summary>A fast shutdown, as when the server is restarted under its clients: sessions are cut at once.</summary>
    public async Task StopPostgresAsync()
    {
        var pidFile = Directory.GetFiles(DataRoot, "postmaster.pid", SearchOption.AllDirectories).Single();
        var pid = (await File.ReadAllLinesAsync(pidFile))[0];
        using var kill = Process.Start("kill", ["-INT", pid]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);

        // Gone when its pid file is: the postmaster removes it last.
        var deadline = Stopwatch.StartNew();
        while (File.Exists(pidFile) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }

        Assert.False(File.Exists(pidFile), "Postgres did not stop within 30 s.");
    }
}

[CollectionDefinition(Name)]
public sealed class OutageCollection : ICollectionFixture<OutageStackFixture>
{
    public const string Name = "outage";
}
