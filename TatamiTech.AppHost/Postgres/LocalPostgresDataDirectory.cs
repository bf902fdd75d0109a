using System.Diagnostics;

namespace TatamiTech.AppHost.Postgres;

/// <summary>
/// A throw-away data directory per AppHost run, under one root. Each run directory records the AppHost's
/// process id; a directory whose AppHost is gone (a hard kill) is removed at the next start, after
/// stopping any server still running in it.
/// </summary>
internal sealed class LocalPostgresDataDirectory
{
    private const string OwnerFileName = "owner.pid";

    private LocalPostgresDataDirectory(string runDirectory)
    {
        RunDirectory = runDirectory;
    }

    public string RunDirectory { get; }

    /// <summary>The cluster itself (initdb's target), owned by the server's user.</summary>
    public string DataDirectory => Path.Combine(RunDirectory, "data");

    public string PasswordFile => Path.Combine(RunDirectory, "pwfile");

    public static string DefaultRoot => Path.Combine(Path.GetTempPath(), "tatamitech-postgres");

    public static LocalPostgresDataDirectory CreateForThisRun(string root, Action<string> log)
    {
        Directory.CreateDirectory(root);
        RemoveAbandoned(root, log);

        var run = Path.Combine(root, $"run-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(run);
        AllowTraversal(root);
        AllowTraversal(run);
        File.WriteAllText(Path.Combine(run, OwnerFileName), Environment.ProcessId.ToString());
        return new LocalPostgresDataDirectory(run);
    }

    /// <summary>Stops the server if it still runs, then deletes the run directory.</summary>
    public void Remove(TimeSpan waitForServer)
    {
        StopServer(RunDirectory, waitForServer);
        TryDelete(RunDirectory);
    }

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
            var ownerFile = Path.Combine(run, OwnerFileName);
            if (File.Exists(ownerFile)
                && int.TryParse(File.ReadAllText(ownerFile).Trim(), out var owner)
                && IsAlive(owner))
            {
                continue;
            }

            log($"Removing data directory left by an AppHost that is gone: {run}");
            StopServer(run, TimeSpan.Zero);
            TryDelete(run);
        }
    }

    private static void StopServer(string run, TimeSpan wait)
    {
        var postmasterPid = Path.Combine(run, "data", "postmaster.pid");
        var deadline = Stopwatch.StartNew();
        while (File.Exists(postmasterPid) && deadline.Elapsed < wait)
        {
            Thread.Sleep(100);
        }

        if (!File.Exists(postmasterPid))
        {
            return;
        }

        try
        {
            var pid = int.Parse(File.ReadLines(postmasterPid).First().Trim());
            if (IsAlive(pid))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException or ArgumentException
            or System.ComponentModel.Win32Exception)
        {
            // The server exited while we looked: nothing left to stop.
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
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
