namespace TatamiTech.Bench.Infrastructure;

/// <summary>Where the repository and the Release builds of the services are.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string ServiceDll(string project) =>
        Path.Combine(Root, project.StartsWith("TatamiTech.Bench", StringComparison.Ordinal) ? Path.Combine("bench", project) : project,
            "bin", Configuration, "net10.0", project + ".dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TatamiTech.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            "Run the bench from inside the repository (TatamiTech.Aspire.sln not found above " + AppContext.BaseDirectory + ").");
    }
}
