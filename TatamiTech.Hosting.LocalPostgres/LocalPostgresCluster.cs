using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>
/// Creates the server's data directory with initdb, as the user the server will run as, or readies the cluster
/// an earlier run kept: its owner's password follows the password parameter, as the container's does.
/// </summary>
internal static class LocalPostgresCluster
{
    /// <summary>The SHA-256 of the owner's password the cluster has, to notice a changed parameter (user secrets reset).</summary>
    private const string PasswordHashFileName = "owner-password.sha256";

    private const string Owner = LocalPostgresServerResource.UserName;

    public static async Task InitializeAsync(
        LocalPostgresInstallation installation, LocalPostgresDataDirectory data, string password, ILogger logger, CancellationToken ct)
    {
        // A kept cluster, or a restart (the dashboard's stop and start): the cluster and its data stay.
        if (File.Exists(Path.Combine(data.DataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Reusing the cluster in {DataDirectory}", data.DataDirectory);
            if (data.Kept)
            {
                await MatchOwnerPasswordAsync(installation, data, password, logger, ct);
            }

            return;
        }

        // What an initdb that did not finish left (initdb wants an empty directory): nothing of value, no cluster yet.
        if (Directory.Exists(data.DataDirectory))
        {
            logger.LogInformation("Removing the unfinished cluster in {DataDirectory}", data.DataDirectory);
            Directory.Delete(data.DataDirectory, recursive: true);
        }

        Directory.CreateDirectory(data.DataDirectory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(data.DataDirectory, LocalPostgresDataRoot.OwnerOnly);
        }

        try
        {
            await WritePasswordFileAsync(data.PasswordFile, password, ct);
            if (LocalPostgresInstallation.RunsAsPostgresUser)
            {
                await ProcessRunner.RunAsync("chown", ["postgres:postgres", data.DataDirectory, data.PasswordFile], logger, ct);
            }

            var (command, args) = installation.AsServerUser(
                installation.InitDb, "-D", data.DataDirectory, "-U", Owner, $"--pwfile={data.PasswordFile}",
                "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync");
            var sw = Stopwatch.StartNew();
            await ProcessRunner.RunAsync(command, args, logger, ct);
            logger.LogInformation("initdb created {DataDirectory} in {Elapsed} ms", data.DataDirectory, sw.ElapsedMilliseconds);
            await WriteOwnerOnlyAsync(PasswordHashFile(data), PasswordHash(password), FileMode.Create, ct);
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
    internal static Task WritePasswordFileAsync(string path, string password, CancellationToken ct) =>
        WriteOwnerOnlyAsync(path, password, FileMode.CreateNew, ct);

    /// <summary>
    /// Sets the owner's password of a kept cluster to the parameter's when it changed since the cluster last had
    /// it, in single-user mode before the server starts (the password goes in on standard input, never in arguments).
    /// </summary>
    private static async Task MatchOwnerPasswordAsync(
        LocalPostgresInstallation installation, LocalPostgresDataDirectory data, string password, ILogger logger, CancellationToken ct)
    {
        var hashFile = PasswordHashFile(data);
        var hash = PasswordHash(password);
        if (File.Exists(hashFile) && (await File.ReadAllTextAsync(hashFile, ct)).Trim() == hash)
        {
            return;
        }

        logger.LogInformation("The owner's password parameter changed: setting it in the kept cluster");
        // exit_on_error: single-user mode otherwise exits 0 after a failed statement, and the hash would be written.
        var (command, args) = installation.AsServerUser(
            installation.Postgres, "--single", "-D", data.DataDirectory, "-j", "-c", "exit_on_error=on", Owner);
        var quoted = "'" + password.Replace("'", "''", StringComparison.Ordinal) + "'";
        // The output of a session that carries the password stays out of the resource's log.
        await ProcessRunner.RunAsync(command, args, NullLogger.Instance, ct, $"ALTER ROLE \"{Owner}\" PASSWORD {quoted};\n");
        await WriteOwnerOnlyAsync(hashFile, hash, FileMode.Create, ct);
    }

    private static string PasswordHashFile(LocalPostgresDataDirectory data) => Path.Combine(data.RunDirectory, PasswordHashFileName);

    private static string PasswordHash(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    private static async Task WriteOwnerOnlyAsync(string path, string text, FileMode mode, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
    }
}
