using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TatamiTech.IntegrationTests.AppHost;

/// <summary>
/// Sends a service's <c>.http</c> file the way an editor does, in order: file variables (<c>@name = value</c>),
/// named requests (<c># @name</c>) whose JSON responses later requests read (<c>{{name.response.body.$.field}}</c>),
/// and each request's <c># Expect NNN</c> line checked against the answer.
/// </summary>
public sealed partial class HttpFile
{
    private readonly Dictionary<string, string> _variables = [];
    private readonly List<Block> _blocks = [];

    private HttpFile()
    {
    }

    public int Count => _blocks.Count;

    public static HttpFile Load(string path)
    {
        var file = new HttpFile();
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var sections = RequestSeparator().Split(text);
        foreach (var line in sections[0].Split('\n'))
        {
            if (FileVariable().Match(line) is { Success: true } variable)
            {
                file._variables[variable.Groups[1].Value] = variable.Groups[2].Value.Trim();
            }
        }

        foreach (var section in sections.Skip(1))
        {
            file._blocks.Add(Block.Parse(section));
        }

        return file;
    }

    /// <summary>Replaces a file variable, as an editor's environment would (the stack's real port, a fresh slug).</summary>
    public HttpFile With(string name, string value)
    {
        Assert.True(_variables.ContainsKey(name), $"The file has no variable '{name}'.");
        _variables[name] = value;
        return this;
    }

    /// <summary>Sends every request to loopback with the URL's host as the Host header; returns the failures.</summary>
    public async Task<List<string>> SendAllAsync(HttpClient client)
    {
        var responses = new Dictionary<string, JsonElement>();
        var failures = new List<string>();
        foreach (var block in _blocks)
        {
            var url = new Uri(Substitute(block.Url, responses));
            using var request = new HttpRequestMessage(new HttpMethod(block.Method), new UriBuilder(url) { Host = "127.0.0.1" }.Uri);
            request.Headers.Host = url.Authority;
            string? contentType = null;
            foreach (var (name, value) in block.Headers)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    contentType = value;
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(name, Substitute(value, responses));
                }
            }

            if (block.Body.Length > 0)
            {
                request.Content = new StringContent(Substitute(block.Body, responses), Encoding.UTF8, contentType ?? "application/json");
            }

            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != block.Expected)
            {
                failures.Add($"{block.Title}: {(int)response.StatusCode}, expected {block.Expected}. {body}");
            }

            if (block.Name is { } requestName && body.Length > 0)
            {
                responses[requestName] = JsonSerializer.Deserialize<JsonElement>(body);
            }
        }

        return failures;
    }

    private string Substitute(string text, Dictionary<string, JsonElement> responses)
    {
        // Variables may use variables ({{goldentiger}} is built from {{port}}): substitute until nothing changes.
        for (var pass = 0; pass < 5; pass++)
        {
            var next = Reference().Replace(text, match =>
            {
                var name = match.Groups[1].Value;
                if (ResponseField().Match(name) is { Success: true } field)
                {
                    var requestName = field.Groups[1].Value;
                    Assert.True(responses.TryGetValue(requestName, out var json), $"No response named '{requestName}' yet.");
                    return json.GetProperty(field.Groups[2].Value).ToString();
                }

                Assert.True(_variables.TryGetValue(name, out var value), $"Unknown variable '{name}'.");
                return value;
            });
            if (next == text)
            {
                return text;
            }

            text = next;
        }

        return text;
    }

    private sealed record Block(
        string Title, string? Name, int Expected, string Method, string Url, List<(string Name, string Value)> Headers, string Body)
    {
        public static Block Parse(string section)
        {
            var lines = section.Split('\n');
            var title = lines[0].Trim();
            string? name = null;
            int? expected = null;
            var index = 1;
            for (; index < lines.Length && (lines[index].StartsWith('#') || lines[index].Trim().Length == 0); index++)
            {
                if (NameDirective().Match(lines[index]) is { Success: true } named)
                {
                    name = named.Groups[1].Value;
                }
                else if (ExpectDirective().Match(lines[index]) is { Success: true } expect)
                {
                    expected = int.Parse(expect.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            Assert.True(expected is not null, $"'{title}' has no '# Expect NNN' line.");
            Assert.True(index < lines.Length, $"'{title}' has no request line.");
            var requestLine = lines[index++].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var headers = new List<(string, string)>();
            for (; index < lines.Length && lines[index].Trim().Length > 0; index++)
            {
                var colon = lines[index].IndexOf(':', StringComparison.Ordinal);
                headers.Add((lines[index][..colon].Trim(), lines[index][(colon + 1)..].Trim()));
            }

            var body = string.Join('\n', lines.Skip(index)).Trim();
            return new Block(title, name, expected!.Value, requestLine[0], requestLine[1], headers, body);
        }
    }

    [GeneratedRegex(@"^###", RegexOptions.Multiline)]
    private static partial Regex RequestSeparator();

    [GeneratedRegex(@"^@([A-Za-z][\w-]*)\s*=\s*(.*)$")]
    private static partial Regex FileVariable();

    [GeneratedRegex(@"\{\{([^}]+)\}\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^([\w-]+)\.response\.body\.\$\.([\w]+)$")]
    private static partial Regex ResponseField();

    [GeneratedRegex(@"^#\s*@name\s+([\w-]+)")]
    private static partial Regex NameDirective();

    [GeneratedRegex(@"^#\s*Expect\s+(\d{3})")]
    private static partial Regex ExpectDirective();
}
