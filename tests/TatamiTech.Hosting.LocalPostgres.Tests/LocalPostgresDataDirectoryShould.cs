namespace TatamiTech.Hosting.LocalPostgres.Tests;

/// <summary>
/// What a killed run left in the data root is swept at the next start, and nothing in it is taken on trust:
/// a pid file only stops the postgres server of that very directory.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresDataDirectoryShould : ScratchDirectory
{
    [Fact]
    public void LeaveAloneAProcessThatIsNotAPostgresServer()
    {
        var root = Path.Combine(Parent, "root");
        var sleep = StartSleep();
        var abandoned = PlantAbandonedRun(root, serverPid: sleep.Id);
        var notes = new List<string>();

        LocalPostgresDataDirectory.CreateForThisRun(root, notes.Add);

        Assert.False(sleep.WaitForExit(TimeSpan.FromMilliseconds(500)), "A process a pid file named was killed.");
        Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
        Assert.Contains(notes, n => n.StartsWith($"Not stopping process {sleep.Id} ", StringComparison.Ordinal));
    }

    [Fact]
    public void LeaveAloneAPostgresServerOfAnotherDirectory()
    {
        var root = Path.Combine(Parent, "root");
        var server = StartFakeServer(workingDirectory: Parent);
        var abandoned = PlantAbandonedRun(root, serverPid: server.Id);
        var notes = new List<string>();

        LocalPostgresDataDirectory.CreateForThisRun(root, notes.Add);

        Assert.False(server.WaitForExit(TimeSpan.FromMilliseconds(500)), "A server of another directory was killed.");
        Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
        Assert.Contains(notes, n => n.StartsWith($"Not stopping process {server.Id} ", StringComparison.Ordinal));
    }

    [Fact]
    public void StopAServerStillRunningInAnAbandonedRun()
    {
        var root = Path.Combine(Parent, "root");
        var abandoned = PlantAbandonedRun(root, serverPid: 0);
        var server = StartFakeServer(workingDirectory: Path.Combine(abandoned, "data"));
        File.WriteAllText(Path.Combine(abandoned, "data", "postmaster.pid"), $"{server.Id}\n{Path.Combine(abandoned, "data")}\n");

        LocalPostgresDataDirectory.CreateForThisRun(root, _ => { });

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(5)), "The server left by a killed AppHost still runs.");
        Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
    }

    [Fact]
    public void StopAServerAKilledRunLeftInTheKeptCluster()
    {
        var kept = LocalPostgresDataDirectory.TryKeep(Path.Combine(Parent, "root"), "app", TimeSpan.Zero, _ => { })!;
        Directory.CreateDirectory(kept.DataDirectory);
        var server = StartFakeServer(workingDirectory: kept.DataDirectory);
        File.WriteAllText(Path.Combine(kept.DataDirectory, "postmaster.pid"), $"{server.Id}\n{kept.DataDirectory}\n");

        kept.StopLeftoverServer(TimeSpan.Zero, _ => { });

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(5)), "The server left in the kept cluster still runs.");
        kept.Remove(TimeSpan.Zero);
        Assert.True(Directory.Exists(kept.RunDirectory), "A kept cluster is let go of, not removed.");
    }

    [Fact]
    public void KeepARunDirectoryAnotherAppHostIsStillCreating()
    {
        var root = Directory.CreateDirectory(Path.Combine(Parent, "root")).FullName;
        // No owner.pid yet: the process id in the name tells whether its AppHost is alive.
        var creating = Directory.CreateDirectory(Path.Combine(root, $"run-{Environment.ProcessId}-creating")).FullName;
        var abandoned = Directory.CreateDirectory(Path.Combine(root, $"run-{TestProcesses.DeadProcessId()}-abandoned")).FullName;

        var data = LocalPostgresDataDirectory.CreateForThisRun(root, _ => { });

        Assert.True(Directory.Exists(creating), "A run directory of a live AppHost was swept.");
        Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
        Assert.True(File.Exists(Path.Combine(data.RunDirectory, "owner.pid")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    [InlineData("not a pid\n")]
    [InlineData("12abc\n")]
    [InlineData("-1\n")]
    [InlineData("0\n")]
    [InlineData("99999999999999999999\n")]
    public void SweepAnAbandonedRunWhosePidFileIsGarbage(string content)
    {
        var root = Path.Combine(Parent, "root");
        var abandoned = PlantAbandonedRun(root, serverPid: 0);
        File.WriteAllText(Path.Combine(abandoned, "data", "postmaster.pid"), content);

        LocalPostgresDataDirectory.CreateForThisRun(root, _ => { });

        Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
    }
}
