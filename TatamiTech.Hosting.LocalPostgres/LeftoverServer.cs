using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// A server still running in a data directory, as its <c>postmaster.pid</c> claims: one this run's orchestrator
/// is stopping, or one that a run which is gone (a hard kill) left behind.
/// </summary>
internal static class LeftoverServer
{
    /// <summary>
    /// Gives the server of <paramref name="dataDirectory"/> up to <paramref name="wait"/> to exit by itself, then stops
    /// it. A pid file that names no live server of that directory (a crash left it, or someone planted it) stops
    /// nothing and is not waited for.
    /// </summary>
    public static void Stop(string dataDirectory, TimeSpan wait, Action<string>? log)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || ReadProcessId(pidFile) is not { } pid || !IsAlive(pid))
        {
            return;
        }

        if (!IsServerOf(pid, dataDirectory))
        {
            log?.Invoke($"Not stopping process {pid} named in {pidFile}: it is not a postgres server of that directory.");
            return;
        }

        var waited = Stopwatch.StartNew();
        while (File.Exists(pidFile) && IsAlive(pid) && waited.Elapsed < wait)
        {
            Thread.Sleep(100);
        }

        if (!IsAlive(pid))
        {
            return;
        }

        log?.Invoke($"Stopping the server (process {pid}) left running in {dataDirectory}");
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or Win32Exception)
        {
            // The server exited while we looked: nothing left to stop.
        }
    }

    /// <summary>The number on a pid file's first line; null for anything else (empty, garbage, unreadable).</summary>
    public static int? ReadProcessId(string pidFile)
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

    public static bool IsAlive(int pid)
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
}
