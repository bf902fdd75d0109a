using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TatamiTech.AppHost.Postgres;

/// <summary>Creates the server's data directory with initdb, as the user the server will run as.</summary>
internal static class LocalPostgresCluster
{
    public static async Task InitializeAsync(
        LocalPostgresInstallation installation,
        LocalPostgresDataDirectory data,
        string password,
        bool runAsPostgresUser,
        ILogger logger,
        CancellationToken ct)
    {
        // A restart (the dashboard's stop and start) runs this again: the cluster and its data stay.
        if (File.Exists(Path.Combine(data.DataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Reusing the cluster in {DataDirectory}", data.DataDirectory);
            return;
        }

        Directory.CreateDirectory(data.DataDirectory);
        await File.WriteAllTextAsync(data.PasswordFile, password, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(data.PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.SetUnixFileMode(data.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            if (runAsPostgresUser)
            {
                await ProcessRunner.RunAsync("chown", ["postgres:postgres", data.DataDirectory, data.PasswordFile], logger, ct);
            }

            string[] initdb =
            [
                installation.InitDb, "-D", data.DataDirectory, "-U", LocalPostgresServerResource.UserName,
                $"--pwfile={data.PasswordFile}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync",
            ];
            var sw = Stopwatch.StartNew();
            if (runAsPostgresUser)
            {
                await ProcessRunner.RunAsync("setpriv", [.. LocalPostgresServerResource.AsPostgresUser, .. initdb], logger, ct);
            }
            else
            {
                await ProcessRunner.RunAsync(initdb[0], initdb[1..], logger, ct);
            }

            logger.LogInformation("initdb created {DataDirectory} in {Elapsed} ms", data.DataDirectory, sw.ElapsedMilliseconds);
        }
        finally
        {
            File.Delete(data.PasswordFile);
        }
    }
}
