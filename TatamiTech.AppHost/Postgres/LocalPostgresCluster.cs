using System.Diagnostics;
using System.Text;
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
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(data.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        try
        {
            await WritePasswordFileAsync(data.PasswordFile, password, ct);
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

    /// <summary>
    /// Owner-only from the moment it exists (no window between writing and a chmod), and only as a new file:
    /// a file or link already there is an error rather than something to write the password through.
    /// </summary>
    internal static async Task WritePasswordFileAsync(string path, string password, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(password), ct);
    }
}
