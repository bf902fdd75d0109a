using System.ComponentModel;
using System.Diagnostics;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// Asks the container runtime's client whether its engine answers. A client without an engine
/// (the usual case on CI machines) is not a runtime: Aspire would wait on it forever.
/// </summary>
public static class ContainerRuntimeProbe
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    public static (bool Healthy, string Detail) Check(string runtime)
    {
        var start = new ProcessStartInfo(runtime)
        {
            ArgumentList = { "info", "--format", "{{.ServerVersion}}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(s_timeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"'{runtime} info' did not answer within {s_timeout.TotalSeconds:0} s");
            }

            var version = output.Result.Trim();
            return process.ExitCode == 0 && version.Length > 0
                ? (true, $"{runtime} {version}")
                : (false, $"'{runtime} info' failed: {FirstLine(error.Result)}");
        }
        catch (Win32Exception)
        {
            return (false, $"'{runtime}' is not installed");
        }
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "no output" : line;
    }
}
