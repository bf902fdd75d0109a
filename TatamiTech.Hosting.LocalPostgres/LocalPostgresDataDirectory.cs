using System.Diagnostics;
using System.Globalization;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// The server's data directory, under a root of this user's own (<see cref="LocalPostgresDataRoot"/>): either the
/// persistent cluster (<c>kept-&lt;name&gt;</c>, held by a lock while a run uses it), or a throw-away directory for one
/// run (<c>run-&lt;pid&gt;-&lt;id&gt;</c>). Each throw-away directory records the AppHost's process id; one whose AppHost
/// is gone (a hard kill) is removed at the next start, after stopping the server still running in it, if any.
/// </summary>
internal sealed class LocalPostgresDataDirectory
{
    private const string OwnerFileName = "owner.pid";
    private const string LockFileName = "apphost.lock";

    private readonly FileStream? _lock;

    private LocalPostgresDataDirectory(string runDirectory, FileStream? keptLock = null)
    {
        RunDirectory = runDirectory;
        _lock = keptLock;
    }

    public string RunDirectory { get; }

    /// <summary>Whether the cluster outlives the run: the kept directory, not a throw-away one.</summary>
    public bool Kept => _lock is not null;

    /// <summary>The cluster itself (initdb's target), owned by the server's user.</summary>
    public string DataDirectory => Path.Combine(RunDirectory, "data");

    public string PasswordFile => Path.Combine(RunDirectory, "pwfile");

    public static LocalPostgresDataDirectory CreateForThisRun(string root, Action<string> log)
    {
        var run = CreatePrivateDirectory(root, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32], log);
        File.WriteAllText(Path.Combine(run, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new LocalPostgresDataDirectory(run);
    }

    /// <summary>
    /// The cluster kept between runs, or null when another run still holds it after <paramref name="lockPatience"/>
    /// (this run then gets a throw-away one). The lock is the kernel's, so a killed AppHost's lock goes with it.
    /// </summary>
    public static LocalPostgresDataDirectory? TryKeep(string root, string name, TimeSpan lockPatience, Action<string> log)
    {
        var kept = CreatePrivateDirectory(root, $"kept-{name}", log);

        // A run that was just stopped holds the lock until its server has exited: a start right after a stop waits
        // for it rather than getting an empty database.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Unix, held until the stream closes or the process ends.
                var keptLock = new FileStream(
                    Path.Combine(kept, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return new LocalPostgresDataDirectory(kept, keptLock);
            }
            catch (IOException) when (waited.Elapsed < lockPatience)
            {
                Thread.Sleep(200);
            }
            catch (IOException)
            {
                log($"Another run is using the kept cluster in {kept}: this run gets a throw-away one.");
                return null;
            }
        }
    }

    /// <summary>
    /// Stops a server that a killed run left in the kept directory: the lock is this run's, so no live AppHost
    /// owns that server. Waits first, as the dying run's orchestrator may still be stopping it.
    /// </summary>
    public void StopLeftoverServer(TimeSpan wait, Action<string> log) => LeftoverServer.Stop(DataDirectory, wait, log);

    /// <summary>Stops the server if it still runs, then deletes a throw-away directory or lets go of a kept one.</summary>
    public void Remove(TimeSpan waitForServer)
    {
        LeftoverServer.Stop(DataDirectory, waitForServer, log: null);
        if (_lock is not null)
        {
            _lock.Dispose();
            return;
        }

        TryDelete(RunDirectory);
    }

    /// <summary>
    /// A directory of the root's, for its owner only (plus traversal when the server runs as postgres), after the
    /// root is checked and what killed runs left is swept. It may exist already (a kept cluster).
    /// </summary>
    private static string CreatePrivateDirectory(string root, string name, Action<string> log)
    {
        root = LocalPostgresDataRoot.Prepare(root);
        RemoveAbandoned(root, log);

        var directory = Path.Combine(root, name);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, LocalPostgresDataRoot.OwnerOnly);
        }

        LocalPostgresDataRoot.AllowTraversal(directory);
        return directory;
    }

    private static void RemoveAbandoned(string root, Action<string> log)
    {
        foreach (var run in Directory.GetDirectories(root, "run-*"))
        {
            if (Owner(run) is { } owner && LeftoverServer.IsAlive(owner))
            {
                continue;
            }

            log($"Removing data directory left by an AppHost that is gone: {run}");
            LeftoverServer.Stop(Path.Combine(run, "data"), TimeSpan.Zero, log);
            TryDelete(run);
        }
    }

    /// <summary>
    /// The AppHost of a run directory: its owner.pid, or while that is not written yet (another AppHost is
    /// creating the directory at this very moment) the process id in the directory's name.
    /// </summary>
    private static int? Owner(string run)
    {
        var ownerFile = Path.Combine(run, OwnerFileName);
        if (File.Exists(ownerFile))
        {
            return LeftoverServer.ReadProcessId(ownerFile);
        }

        var parts = Path.GetFileName(run).Split('-');
        return parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? pid
            : null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next start's sweep.
        }
    }
}
