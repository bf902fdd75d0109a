using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>Runs a command to its end, its output in the resource's console log.</summary>
internal static class ProcessRunner
{
    /// <param name="input">Written to the command's standard input, then closed: where a secret goes, never the arguments.</param>
    public static async Task RunAsync(
        string fileName, IEnumerable<string> args, ILogger logger, CancellationToken ct, string? input = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), ct);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        foreach (var line in ((await stdout) + (await stderr)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            logger.LogInformation("{Line}", line);
        }

        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException(
                $"'{fileName}' failed with exit code {process.ExitCode}; see the resource's console log.");
        }
    }
}
