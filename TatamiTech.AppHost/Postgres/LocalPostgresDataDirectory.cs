using System.Diagnostics;
using System.Globalization;

namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// The server's data directory, under one root of this user's own: either the cluster kept between runs of one
/// AppHost (<c>kept-&lt;AppHost&gt;</c>, held by a lock while a run uses it), or a throw-away directory for one run
/// (<c>run-&lt;pid&gt;-&lt;id&gt;</c>). Each throw-away directory records the AppHost's process id; one whose AppHost
/// is gone (a hard kill) is removed at the next start, after stopping the server still running in it, if any.
/// </summary>
internal sealed class LocalPostgresDataDirectory
{
    private const string OwnerFileName = "owner.pid";
    private const string LockFileName = "apphost.lock";
    private const string RootName = "tatamitech-postgres";
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

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

    /// <summary>
    /// A root of this user's own, never a name shared in /tmp: whoever can write in the root can plant run
    /// directories and pid files for the AppHost to act on.
    /// </summary>
    public static string DefaultRoot
    {
        get
        {
            if (OperatingSystem.IsWindows())
            {
                // The temp folder is the user's own there (%LOCALAPPDATA%\Temp).
                return Path.Combine(Path.GetTempPath(), RootName);
            }

            // XDG_RUNTIME_DIR is the user's own (0700). Not as root: the server then runs as postgres and must
            // walk down to its data directory, which /run/user/0 does not let it do.
            var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            if (!Environment.IsPrivilegedProcess && runtime is not null && Path.IsPathFullyQualified(runtime)
                && Directory.Exists(runtime))
            {
                return Path.Combine(runtime, RootName);
            }

            return Path.Combine(Path.GetTempPath(), $"{RootName}-{UnixFileStatus.EffectiveUserId}");
        }
    }

    /// <summary>
    /// Where kept clusters live by default: a directory the system keeps, unlike the temporary root (a reboot, a
    /// logout or the temp cleaner's ageing would delete a cluster, or half of one). This user's data directory;
    /// as root /var/lib, since the server then runs as postgres and must walk down to its data.
    /// </summary>
    public static string DefaultKeptRoot
    {
        get
        {
            if (OperatingSystem.IsWindows())
            {
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), RootName);
            }

            if (Environment.IsPrivilegedProcess)
            {
                return Path.Combine("/var/lib", RootName);
            }

            var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            return data is not null && Path.IsPathFullyQualified(data)
                ? Path.Combine(data, RootName)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", RootName);
        }
    }

    public static LocalPostgresDataDirectory CreateForThisRun(string root, Action<string> log)
    {
        var run = CreatePrivateDirectory(root, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32], log);
        File.WriteAllText(Path.Combine(run, OwnerFileName), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new LocalPostgresDataDirectory(run);
    }

    /// <summary>
    /// The cluster an AppHost keeps between its runs, or null when another run of it still holds that cluster after
    /// <paramref name="lockPatience"/> (this run then gets a throw-away one). The lock is the kernel's, so a killed
    /// AppHost's lock goes with it.
    /// </summary>
    public static LocalPostgresDataDirectory? TryKeep(string root, string appHost, TimeSpan lockPatience, Action<string> log)
    {
        var kept = CreatePrivateDirectory(root, $"kept-{appHost}", log);

        // A run that was just stopped holds the lock until its server has exited: an F5 right after a stop waits
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
                log($"Another run of this AppHost is using the kept cluster in {kept}: this run gets a throw-away one.");
                return null;
            }
        }
    }

    /// <summary>
    /// Stops a server that a killed run left in the kept directory: the lock is this run's, so no live AppHost
    /// owns that server. Waits first, as the dying run's orchestrator may still be stopping it.
    /// </summary>
    public void StopLeftoverServer(TimeSpan wait, Action<string> log)
    {
        // A pid file a crash left behind names no server: nothing to wait for.
        var postmasterPid = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(postmasterPid) || ReadProcessId(postmasterPid) is not { } pid || !IsAlive(pid) || !IsServerOf(pid, DataDirectory))
        {
            return;
        }

        log($"Stopping the server (process {pid}) that a run which is gone left in {DataDirectory}");
        StopServer(RunDirectory, wait, log);
    }

    /// <summary>Stops the server if it still runs, then deletes a throw-away directory or lets go of a kept one.</summary>
    public void Remove(TimeSpan waitForServer)
    {
        StopServer(RunDirectory, waitForServer, log: null);
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
        // One spelling of the root, so that a server's data directory compares equal from one run to the next.
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        PrepareRoot(root);
        RemoveAbandoned(root, log);

        var directory = Path.Combine(root, name);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnly);
        }

        AllowTraversal(directory);
        return directory;
    }

    /// <summary>
    /// Creates the root for its owner only, or accepts an existing one only if it is a directory (not a link)
    /// of this user that other users cannot write to. Checked after creating: whether made just now or found,
    /// what is checked is what will be used.
    /// </summary>
    private static void PrepareRoot(string root)
    {
        if (new DirectoryInfo(root).LinkTarget is not null)
        {
            throw Refuse(root, "is a symbolic link");
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
            return;
        }

        // The parents as any directory (the path down must stay walkable for the postgres user), the root 0700.
        Directory.CreateDirectory(Path.GetDirectoryName(root) ?? root);
        Directory.CreateDirectory(root, OwnerOnly);

        // Elsewhere (macOS) there is no statx; the default root there is in the user's own $TMPDIR.
        if (OperatingSystem.IsLinux())
        {
            var status = UnixFileStatus.Of(root, followLinks: false)
                ?? throw Refuse(root, "cannot be examined (statx failed)");
            var me = UnixFileStatus.EffectiveUserId;
            if (status.IsSymbolicLink)
            {
                throw Refuse(root, "is a symbolic link");
            }

            if (!status.IsDirectory)
            {
                throw Refuse(root, "is not a directory");
            }

            if (status.OwnerId != me)
            {
                throw Refuse(root, $"is owned by user id {status.OwnerId}, not by this user ({me})");
            }

            if (status.IsWritableByOthers)
            {
                throw Refuse(root, "can be written by other users");
            }
        }

        AllowTraversal(root);
    }

    private static DistributedApplicationException Refuse(string root, string reason) => new(
        $"The Postgres data root '{root}' {reason}. Someone else could plant run directories and pid files in it " +
        $"for this AppHost to act on. Remove it (it only holds throw-away clusters), or set " +
        $"{TatamiDatabaseExtensions.DataRootKey} to a directory of your own.");

    /// <summary>
    /// The server runs as another user than the AppHost when the AppHost is root: it must be able to
    /// walk down to its data directory. Traversal only; listing and reading stay private.
    /// </summary>
    private static void AllowTraversal(string directory)
    {
        if (OperatingSystem.IsWindows() || !Environment.IsPrivilegedProcess)
        {
            return;
        }

        var mode = File.GetUnixFileMode(directory);
        File.SetUnixFileMode(directory, mode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    private static void RemoveAbandoned(string root, Action<string> log)
    {
        foreach (var run in Directory.GetDirectories(root, "run-*"))
        {
            if (Owner(run) is { } owner && IsAlive(owner))
            {
                continue;
            }

            log($"Removing data directory left by an AppHost that is gone: {run}");
            StopServer(run, TimeSpan.Zero, log);
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
            return ReadProcessId(ownerFile);
        }

        var parts = Path.GetFileName(run).Split('-');
        return parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? pid
            : null;
    }

    private static void StopServer(string run, TimeSpan wait, Action<string>? log)
    {
        var dataDirectory = Path.Combine(run, "data");
        var postmasterPid = Path.Combine(dataDirectory, "postmaster.pid");
        var deadline = Stopwatch.StartNew();
        while (File.Exists(postmasterPid) && deadline.Elapsed < wait)
        {
            Thread.Sleep(100);
        }

        if (!File.Exists(postmasterPid) || ReadProcessId(postmasterPid) is not { } pid || !IsAlive(pid))
        {
            return;
        }

        if (!IsServerOf(pid, dataDirectory))
        {
            log?.Invoke($"Not stopping process {pid} named in {postmasterPid}: it is not a postgres server of that directory.");
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.ComponentModel.Win32Exception)
        {
            // The server exited while we looked: nothing left to stop.
        }
    }

    /// <summary>
    /// A pid file is only a claim: the number may belong to another process by now, or have been written by
    /// someone else. A postgres server that wrote postmaster.pid has changed into its data directory first,
    /// so the process must run the postgres program with that very directory (same device and inode) as its
    /// working directory. /proc answers only for processes of this user (or any, as root), which are the only
    /// ones that may be stopped anyway. Without /proc (macOS, Windows) nothing is stopped.
    /// </summary>
    private static bool IsServerOf(int pid, string dataDirectory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // A server whose package was upgraded under it runs a "(deleted)" program.
            var program = new FileInfo($"/proc/{pid}/exe").LinkTarget?.Replace(" (deleted)", string.Empty, StringComparison.Ordinal);
            if (Path.GetFileName(program) != "postgres")
            {
                return false;
            }

            var workingDirectory = UnixFileStatus.Of($"/proc/{pid}/cwd", followLinks: true);
            var data = UnixFileStatus.Of(dataDirectory, followLinks: false);
            return workingDirectory is { } cwd && data is { IsDirectory: true } dir && cwd.IsSameFileAs(dir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The number on a pid file's first line; null for anything else (empty, garbage, unreadable).</summary>
    private static int? ReadProcessId(string pidFile)
    {
        try
        {
            using var reader = new StreamReader(pidFile);
            var line = reader.ReadLine()?.Trim();
            return int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
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
