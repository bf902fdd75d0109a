namespace TatamiTech.AppHost.Postgres;

/// <summary>Where the OS package put <c>postgres</c> and <c>initdb</c>.</summary>
internal sealed record LocalPostgresInstallation(string BinDirectory)
{
    public string Postgres => Path.Combine(BinDirectory, "postgres");

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    /// <summary>
    /// <c>Postgres:BinDirectory</c> if set, else the newest <c>/usr/lib/postgresql/N/bin</c> (Debian,
    /// Ubuntu), else a directory on PATH holding both programs.
    /// </summary>
    public static LocalPostgresInstallation? Find(string? configuredBinDirectory)
    {
        IEnumerable<string> candidates = string.IsNullOrWhiteSpace(configuredBinDirectory)
            ? DebianLayout().Concat(PathDirectories())
            : [configuredBinDirectory];

        return candidates
            .Select(dir => new LocalPostgresInstallation(dir))
            .FirstOrDefault(i => File.Exists(i.Postgres) && File.Exists(i.InitDb));
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
