using System.Diagnostics;

namespace TatamiTech.Bench.Infrastructure;

internal static class Shell
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public static bool HasTaskset { get; } = File.Exists("/usr/bin/taskset") && Environment.ProcessorCount > 1;

    /// <summary>Runs a command to completion; a non-zero exit throws with its output.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        var output = (await stdout) + (await stderr);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{fileName} {string.Join(' ', start.ArgumentList)}' exited with {process.ExitCode}:\n{output}");
        }

        return output;
    }

    /// <summary>The command as the postgres user when running as root (Postgres refuses root).</summary>
    public static (string File, string[] Args) AsPostgresUser(string file, params string[] args) =>
        IsRoot ? ("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", file, .. args]) : (file, args);

    /// <summary>The command pinned to the given cores, when taskset exists and there is more than one core.</summary>
    public static (string File, string[] Args) Pinned(string cores, string file, params string[] args) =>
        HasTaskset ? ("taskset", ["-c", cores, file, .. args]) : (file, args);

    /// <summary>
    /// The command free to run on every core. Needed explicitly: on Linux the bench's affinity (core 1, for its load
    /// generator) is per thread, and every thread created while it held was left on core 1 when the main thread
    /// was set back, so a process started from one of them ran on one core.
    /// </summary>
    public static (string File, string[] Args) OnAllCores(string file, params string[] args) =>
        Pinned($"0-{Environment.ProcessorCount - 1}", file, args);

    public static async Task SignalAsync(int pid, string signal) => await RunAsync("kill", [$"-{signal}", pid.ToString()]);

    /// <summary>Peak and current resident memory of a process, from /proc (kB).</summary>
    public static (long PeakKb, long CurrentKb) Memory(int pid)
    {
        long peak = 0, current = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            }
        }

        return (peak, current);
    }

    /// <summary>CPU time (user + system) a process has used so far, from /proc.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks (100 Hz).
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>Every descendant of a process, read from /proc.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[child] = int.Parse(fields[1]);
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        var result = new List<int>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out var current))
        {
            foreach (var (child, parent) in parents)
            {
                if (parent == current)
                {
                    result.Add(child);
                    frontier.Enqueue(child);
                }
            }
        }

        return result;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
