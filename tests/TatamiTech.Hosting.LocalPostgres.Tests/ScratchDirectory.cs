using System.Diagnostics;

namespace TatamiTech.Hosting.LocalPostgres.Tests;

/// <summary>
/// A temporary directory for data roots and the processes a test plants in them (stand-ins for servers that
/// killed runs left), all removed after the test.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public abstract class ScratchDirectory : IDisposable
{
    private readonly List<Process> _processes = [];

    protected string Parent { get; } = Directory.CreateTempSubdirectory("localpg-root-").FullName;

    protected IReadOnlyList<Process> Processes => _processes;

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

        Directory.Delete(Parent, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A run directory whose AppHost is gone, its postmaster.pid naming <paramref name="serverPid"/>.</summary>
    protected static string PlantAbandonedRun(string root, int serverPid)
    {
        Directory.CreateDirectory(root, LocalPostgresDataRoot.OwnerOnly);
        var run = Path.Combine(root, "run-999999-abandoned");
        var data = Directory.CreateDirectory(Path.Combine(run, "data")).FullName;
        File.WriteAllText(Path.Combine(run, "owner.pid"), TestProcesses.DeadProcessId().ToString());
        File.WriteAllText(Path.Combine(data, "postmaster.pid"), $"{serverPid}\n{data}\n");
        return run;
    }

    protected Process StartSleep() => Track(Process.Start(new ProcessStartInfo("sleep", "60"))!);

    /// <summary>
    /// A process whose program is named postgres, working in <paramref name="workingDirectory"/>: a copy of
    /// the shell (not a multi-call binary, so the name does not matter to it), blocked on a read of its stdin.
    /// </summary>
    protected Process StartFakeServer(string workingDirectory)
    {
        var program = Path.Combine(Directory.CreateDirectory(Path.Combine(Parent, "bin")).FullName, "postgres");
        if (!File.Exists(program))
        {
            File.Copy("/bin/sh", program);
            File.SetUnixFileMode(program, LocalPostgresDataRoot.OwnerOnly | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
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
}
