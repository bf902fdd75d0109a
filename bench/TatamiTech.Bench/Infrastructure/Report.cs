using System.Globalization;
using System.Text;

namespace TatamiTech.Bench.Infrastructure;

/// <summary>The printed table, section by section, also written as Markdown to bench/results/latest.md.</summary>
internal sealed class Report
{
    private readonly StringBuilder _markdown = new();
    private string? _section;

    public Report(string header)
    {
        _markdown.AppendLine("# TatamiTech benchmark results").AppendLine().AppendLine(header).AppendLine();
        Console.WriteLine(header);
    }

    public void Section(string title, string note)
    {
        _section = title;
        Console.WriteLine();
        Console.WriteLine($"== {title} ==");
        Console.WriteLine(note);
        _markdown.AppendLine($"## {title}").AppendLine().AppendLine(note).AppendLine()
            .AppendLine("| figure | value | note |").AppendLine("|---|---|---|");
    }

    public void Row(string figure, string value, string note = "")
    {
        if (_section is null)
        {
            throw new InvalidOperationException("Open a section first.");
        }

        Console.WriteLine($"  {figure,-58} {value,16}  {note}");
        _markdown.AppendLine($"| {figure} | {value} | {note} |");
    }

    public void EndSection() => _markdown.AppendLine();

    /// <summary>"target &lt;= 1.25: PASS" and the like; empty when the figure has no target.</summary>
    public static string Verdict(double value, double? target, bool atMost) => target switch
    {
        null => string.Empty,
        { } t when atMost => value <= t ? $"target <= {t:F2}: PASS" : $"target <= {t:F2}: FAIL",
        { } t => value >= t ? $"target >= {t:F2}: PASS" : $"target >= {t:F2}: FAIL",
    };

    public static string F(double value, int decimals = 1) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    /// <param name="name">The file under bench/results: latest.md for a full run, the sections' names for a partial one.</param>
    public async Task<string> WriteAsync(string name)
    {
        var directory = Path.Combine(Repository.Root, "bench", "results");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, _markdown.ToString());
        return path;
    }
}
