namespace TatamiTech.Names;

/// <summary>
/// The academies Development data seeds: the dashboard links to them and its token command offers them.
/// </summary>
public static class DemoAcademySlugs
{
    public const string GoldenTiger = "goldentiger";
    public const string IronCrane = "ironcrane";

    public static readonly IReadOnlyList<string> All = [GoldenTiger, IronCrane];
}
