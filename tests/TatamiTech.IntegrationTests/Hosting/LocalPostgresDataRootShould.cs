using System.Diagnostics;
using Aspire.Hosting;
using TatamiTech.AppHost.Postgres;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The local server's data root belongs to the user running the AppHost, and nothing in it is taken on trust:
/// a root someone else controls is refused, and a pid file only stops the postgres server of that directory.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalPostgresDataRootShould : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _parent = Directory.CreateTempSubdirectory("tatamitech-pg-root-").FullName;
    private readonly List<Process> _processes = [];

    /// <summary>Owner only, plus traversal when root runs the server as postgres, which must walk down to its data.</summary>
    private static UnixFileMode PrivateDirectory => Environment.IsPrivilegedProcess
        ? OwnerOnly | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute
        : OwnerOnly;

    [Fact]
    public void BeTheUsersOwnAndOwnerOnlyByDefault()
    {
        var uid = Run("id", "-u");
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var expected = !Environment.IsPrivilegedProcess && runtime is not null && Path.IsPathFullyQualified(runtime)
            && Directory.Exists(runtime)
                ? Path.Combine(runtime, "tatamitech-postgres")
                : Path.Combine(Path.GetTempPath(), $"tatamitech-postgres-{uid}");
        Assert.Equal(expected, LocalPostgresDataDirectory.DefaultRoot);

        var data = LocalPostgresDataDirectory.CreateForThisRun(LocalPostgresDataDirectory.DefaultRoot, _ => { });
        try
        {
            Assert.Equal(uid, Run("stat", "-c", "%u", expected));
            Assert.Equal(PrivateDirectory, File.GetUnixFileMode(expected));
        }
        finally
        {
            data.Remove(TimeSpan.Zero);
        }
    }

    [Fact]
    public void KeepClustersWhereTheSystemDoesNotClearThem()
    {
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var expected = Environment.IsPrivilegedProcess
            ? "/var/lib/tatamitech-postgres"
            : data is not null && Path.IsPathFullyQualified(data)
                ? Path.Combine(data, "tatamitech-postgres")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local/share/tatamitech-postgres");

        Assert.Equal(expected, LocalPostgresDataDirectory.DefaultKeptRoot);
        Assert.False(LocalPostgresDataDirectory.DefaultKeptRoot.StartsWith(Path.GetTempPath(), StringComparison.Ordinal));
    }

    [Fact]
    public void CreateANewRootForItsOwnerOnly()
    {
        var root = Path.Combine(_parent, "root");

        var data = LocalPostgresDataDirectory.CreateForThisRun(root, _ => { });

        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(root));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(data.RunDirectory));
        Assert.Equal(Path.Combine(root, Path.GetFileName(data.RunDirectory)), data.RunDirectory);
    }

    [Fact]
    public void RefuseARootThatIsASymbolicLink()
    {
        var target = Directory.CreateDirectory(Path.Combine(_parent, "elsewhere")).FullName;
        var root = Path.Combine(_parent, "root");
        Directory.CreateSymbolicLink(root, target);

        var error = Assert.Throws<DistributedApplicationException>(() => LocalPostgresDataDirectory.CreateForThisRun(root, _ => { }));

        Assert.Contains($"'{root}' is a symbolic link", error.Message);
        Assert.Contains("Remove it", error.Message);
        Assert.Contains("Postgres:DataRoot", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public void RefuseARootOwnedByAnotherUser()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            // Only root can give a directory away to another user (CI runs as root).
            return;
        }

        var root = Directory.CreateDirectory(Path.Combine(_parent, "root")).FullName;
        var planted = PlantAbandonedRun(root, serverPid: StartSleep().Id);
        Run("chown", "-R", "nobody", root);

        var error = Assert.Throws<DistributedApplicationException>(() => LocalPostgresDataDirectory.CreateForThisRun(root, _ => { }));

        Assert.Contains($"'{root}' is owned by user id {Run("id", "-u", "nobody")}, not by this user (0)", error.Message);
        Assert.Contains("Remove it", error.Message);
        Assert.Contains("Postgres:DataRoot", error.Message);
        Assert.True(Directory.Exists(planted), "Nothing in a refused root is swept.");
        Assert.All(_processes, p => Assert.False(p.HasExited));
    }

    [Fact]
    public void RefuseARootOtherUsersCanWriteTo()
    {
        var root = Directory.CreateDirectory(Path.Combine(_parent, "root")).FullName;
        File.SetUnixFileMode(root, UnixFileMode.StickyBit | OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var error = Assert.Throws<DistributedApplicationException>(() => LocalPostgresDataDirectory.CreateForThisRun(root, _ => { }));

        Assert.Contains($"'{root}' can be written by other users", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(root));
    }

    [Fact]
    public void LeaveAloneAProcessThatIsNotAPostgresServer()
    {
        var root = Path.Combine(_parent, "root");
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
        var root = Path.Combine(_parent, "root");
        var server = StartFakeServer(workingDirectory: _parent);
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
        var root = Path.Combine(_parent, "root");
        var abandoned = PlantAbandonedRun(root, serverPid: 0);
        var server = StartFakeServer(workingDirectory: Path.Combine(abandoned, "data"));
        File.WriteAllText(Path.Combine(abandoned, "data", "postmaster.pid"), $"{server.Id}\n{Path.Combine(abandoned, "data")}\n");

        LocalPostgresDataDirectory.CreateForThisRun(root, _ => { });

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(5)), "The server left by a killed AppHost still runs.");
        Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
    }

    [Fact]
    public void KeepARunDirectoryAnotherAppHostIsStillCreating()
    {
        var root = Directory.CreateDirectory(Path.Combine(_parent, "root")).FullName;
        // No owner.pid yet: the process id in the name tells whether its AppHost is alive.
        var creating = Directory.CreateDirectory(Path.Combine(root, $"run-{Environment.ProcessId}-creating")).FullName;
        var abandoned = Directory.CreateDirectory(Path.Combine(root, $"run-{DeadProcessId()}-abandoned")).FullName;

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
        var root = Path.Combine(_parent, "root");
        var abandoned = PlantAbandonedRun(root, serverPid: 0);
        File.WriteAllText(Path.Combine(abandoned, "data", "postmaster.pid"), content);

        LocalPostgresDataDirectory.CreateForThisRun(root, _ => { });

        Assert.False(Directory.Exists(abandoned), "The abandoned run directory was not swept.");
    }

    [Fact]
    public async Task CreateThePasswordFileForItsOwnerOnly()
    {
        var path = Path.Combine(_parent, "pwfile");

        await LocalPostgresCluster.WritePasswordFileAsync(path, "s3cret", CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("s3cret", await File.ReadAllTextAsync(path));

        // Only as a new file: a link planted where it goes is not written through.
        var target = Path.Combine(_parent, "target");
        await File.WriteAllTextAsync(target, "untouched");
        var planted = Path.Combine(_parent, "planted-pwfile");
        File.CreateSymbolicLink(planted, target);
        await Assert.ThrowsAsync<IOException>(() => LocalPostgresCluster.WritePasswordFileAsync(planted, "s3cret", CancellationToken.None));
        Assert.Equal("untouched", await File.ReadAllTextAsync(target));
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }

        Directory.Delete(_parent, recursive: true);
    }

    /// <summary>A run directory whose AppHost is gone, its postmaster.pid naming <paramref name="serverPid"/>.</summary>
    private static string PlantAbandonedRun(string root, int serverPid)
    {
        Directory.CreateDirectory(root, OwnerOnly);
        var run = Path.Combine(root, "run-999999-abandoned");
        var data = Directory.CreateDirectory(Path.Combine(run, "data")).FullName;
        File.WriteAllText(Path.Combine(run, "owner.pid"), DeadProcessId().ToString());
        File.WriteAllText(Path.Combine(data, "postmaster.pid"), $"{serverPid}\n{data}\n");
        return run;
    }

    private Process StartSleep() => Track(Process.Start(new ProcessStartInfo("sleep", "60"))!);

    /// <summary>
    /// A process whose program is named postgres, working in <paramref name="workingDirectory"/>: a copy of
    /// the shell (not a multi-call binary, so the name does not matter to it), blocked on a read of its stdin.
    /// </summary>
    private Process StartFakeServer(string workingDirectory)
    {
        var program = Path.Combine(Directory.CreateDirectory(Path.Combine(_parent, "bin")).FullName, "postgres");
        if (!File.Exists(program))
        {
            File.Copy("/bin/sh", program);
            File.SetUnixFileMode(program, OwnerOnly | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("read line");
        return Track(Process.Start(start)!);
    }

    private Process Track(Process process)
    {
        _processes.Add(process);
        return process;
    }

    private static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed with exit code {process.ExitCode}.");
        return output.Trim();
    }
}
