using System.Collections.Concurrent;
using System.Diagnostics;

namespace TatamiTech.Hosting.LocalPostgres;

/// <summary>Where the OS package put <c>postgres</c> and <c>initdb</c>.</summary>
public sealed record LocalPostgresInstallation(string BinDirectory)
{
    /// <summary>
    /// setpriv's arguments to run a program as the postgres user: the server refuses to run as root, and setpriv
    /// replaces itself with the program (no fork), so the orchestrator's stop signal reaches postgres directly.
    /// </summary>
    private static readonly string[] s_asPostgresUser = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"];

    private static readonly ConcurrentDictionary<string, HashSet<string>> s_settings = new(StringComparer.Ordinal);

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    /// <summary>Where the server loads extension libraries from (Debian: /usr/lib/postgresql/N/lib).</summary>
    public string LibraryDirectory => Path.Combine(Path.GetDirectoryName(BinDirectory.TrimEnd('/')) ?? BinDirectory, "lib");

    /// <summary>Whether the server can load an extension's library (<c>citus</c> for citus.so).</summary>
    public bool HasExtensionLibrary(string name) => File.Exists(Path.Combine(LibraryDirectory, $"{name}.so"));

    /// <summary>
    /// Whether the server knows a setting (some builds add their own, such as a list of the libraries allowed as
    /// logical decoding output plugins): a setting it does not know stops it at start. Asked of the server itself
    /// (<c>postgres --describe-config</c>, which needs no data directory and may run as any user).
    /// </summary>
    public bool KnowsSetting(string name)
    {
        var settings = s_settings.GetOrAdd(Postgres, DescribeSettings);
        return settings.Contains(name);
    }

    /// <summary>Whether the server and its tools run as the postgres user: when this process is root.</summary>
    internal static bool RunsAsPostgresUser => Environment.IsPrivilegedProcess;

    /// <summary>
    /// <paramref name="configuredBinDirectory"/> if set, else the newest <c>/usr/lib/postgresql/N/bin</c> (Debian,
    /// Ubuntu), else a directory on PATH holding both programs; null when none has them.
    /// </summary>
    public static LocalPostgresInstallation? Find(string? configuredBinDirectory = null)
    {
        IEnumerable<string> candidates = string.IsNullOrWhiteSpace(configuredBinDirectory)
            ? DebianLayout().Concat(PathDirectories())
            : [configuredBinDirectory];

        return candidates
            .Select(dir => new LocalPostgresInstallation(dir))
            .FirstOrDefault(i => File.Exists(i.Postgres) && File.Exists(i.InitDb));
    }

    /// <summary>The command line that runs one of the server's programs as the user the server runs as.</summary>
    internal (string Command, string[] Args) AsServerUser(string program, params string[] args) =>
        RunsAsPostgresUser ? ("setpriv", [.. s_asPostgresUser, program, .. args]) : (program, args);

    private static HashSet<string> DescribeSettings(string postgres)
    {
        using var process = Process.Start(new ProcessStartInfo(postgres, "--describe-config")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        });
        if (process is null)
        {
            return [];
        }

        _ = process.StandardError.ReadToEndAsync();
        var names = process.StandardOutput.ReadToEnd()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t')[0])
            .ToHashSet(StringComparer.Ordinal);
        process.WaitForExit();
        return names;
    }

    private static IEnumerable<string> DebianLayout()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.GetDirectories(root)
            .Select(dir => (dir, version: int.TryParse(Path.GetFileName(dir), out var v) ? v : -1))
            .OrderByDescending(x => x.version)
            .Select(x => Path.Combine(x.dir, "bin"));
    }

    private static IEnumerable<string> PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
}
