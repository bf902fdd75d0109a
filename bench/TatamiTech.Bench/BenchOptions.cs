namespace TatamiTech.Bench;

internal sealed record BenchOptions(IReadOnlySet<string> Sections, bool Quick)
{
    public static readonly string[] AllSections =
        ["overhead", "resolution", "worker", "drills", "noisy", "lifecycle", "citus", "startup", "firstrun", "suite", "mutants"];

    /// <summary>Many short alternating rounds: a disturbance of the machine then hits both sides alike.</summary>
    public int Rounds => Quick ? 6 : 10;

    public TimeSpan TrialDuration => TimeSpan.FromSeconds(Quick ? 2 : 3);

    /// <summary>Long enough for tiered JIT to finish on a single busy core.</summary>
    public TimeSpan WarmUp => TimeSpan.FromSeconds(Quick ? 6 : 10);

    public TimeSpan DrillDuration => TimeSpan.FromSeconds(Quick ? 10 : 30);

    public bool Runs(string section) => Sections.Contains(section);

    /// <summary>
    /// Sections by name (default: all); --quick for shorter rounds and drills and no
    /// 10,000-academy worker run.
    /// </summary>
    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var named = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.ToLowerInvariant()).ToHashSet();
        var unknown = named.Except(AllSections).Except(["all"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Unknown section(s): {string.Join(", ", unknown)}. Sections: {string.Join(", ", AllSections)} (default: all).");
        }

        return new BenchOptions(named.Count == 0 || named.Contains("all") ? AllSections.ToHashSet() : named, quick);
    }
}
