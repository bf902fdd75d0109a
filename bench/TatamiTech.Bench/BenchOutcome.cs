namespace TatamiTech.Bench;

internal static class BenchOutcome
{
    /// <summary>Set by a drill whose correctness check failed: the command then exits non-zero.</summary>
    public static bool Failed { get; set; }
}
