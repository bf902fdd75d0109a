using System.Diagnostics;

namespace TatamiTech.Hosting.LocalPostgres.Tests;

internal static class TestProcesses
{
    /// <summary>The id of a process that has exited: what a pid file of a killed run names.</summary>
    public static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true"))!;
        process.WaitForExit();
        return process.Id;
    }

    /// <summary>Runs a program to its end; its output, trimmed.</summary>
    public static string Run(string program, params string[] args)
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
