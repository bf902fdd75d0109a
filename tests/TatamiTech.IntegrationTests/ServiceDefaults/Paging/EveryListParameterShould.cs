using System.Text.Json;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.ServiceDefaults.Paging;

/// <summary>
/// The query matrix, generated from every service's own OpenAPI document through the stack: every query
/// parameter of every GET operation, alone and beside the others at their documented maximum, gets values at
/// and past the limits of an int. Each answer is a page or problem details, never a 5xx. A new list endpoint
/// is in the matrix by being described; one with a required value or route value the matrix does not know
/// fails until it is given one below.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class EveryListParameterShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private const string DocumentPath = "/openapi/v1.json";

    /// <summary>At and past the limits of a 32-bit int, and the values every range check has to refuse.</summary>
    private static readonly string[] s_hostileValues =
    [
        "2147483647", "2147483648", "99999999999999999999", "-2147483648", "-2147483649", "-1", "0", "21474838",
    ];

    /// <summary>A valid value for each parameter an operation requires, so that only the value under test can be refused.</summary>
    private static readonly Dictionary<string, string> s_required = new()
    {
        ["from"] = "2026-01-01",
        ["to"] = "2026-01-31",
    };

    /// <summary>A value for each route parameter of a list: lists under an entity that need not exist to be refused.</summary>
    private static readonly Dictionary<string, string> s_routeValues = new()
    {
        ["id"] = Guid.Empty.ToString(),
        ["studentId"] = Guid.Empty.ToString(),
        ["slug"] = "nosuchacademy",
    };

    [Fact]
    public async Task AnswerAPageOrAProblemToAnyValueOfAnyQueryParameterOfEveryService()
    {
        var operations = new List<(string Service, string Path, List<QueryParameter> Parameters)>();
        foreach (var service in new[] { ResourceNames.Api, ResourceNames.Platform, ResourceNames.Worker })
        {
            operations.AddRange(ListOperations(await DocumentOfAsync(service)).Select(o => (service, o.Path, o.Parameters)));
        }

        var names = operations.Select(o => $"{o.Service} GET {o.Path}").ToList();
        Assert.Contains($"{ResourceNames.Api} GET /students", names);
        Assert.Contains($"{ResourceNames.Platform} GET /academies", names);
        Assert.Contains($"{ResourceNames.Platform} GET /audit", names);

        var failures = new List<string>();
        var refused = 0;
        foreach (var (service, path, parameters) in operations)
        {
            foreach (var query in HostileQueries(parameters))
            {
                using var response = await SendAsync(service, $"{path}?{query}");
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (status >= 500 || status == 429 || (status >= 400 && mediaType != "application/problem+json"))
                {
                    failures.Add($"{service} GET {path}?{query}: {status} {mediaType}");
                }

                refused += status == 400 ? 1 : 0;
            }
        }

        Assert.Empty(failures);
        Assert.True(refused > 0, "No value was refused: the matrix reached no check.");
    }

    private sealed record QueryParameter(string Name, bool Integer, int? Maximum);

    /// <summary>Each parameter at each hostile value: alone, and with every other integer parameter at its maximum.</summary>
    private static IEnumerable<string> HostileQueries(List<QueryParameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            foreach (var value in s_hostileValues)
            {
                var query = Required(parameters, except: parameter.Name);
                query[parameter.Name] = value;
                yield return Format(query);

                var others = parameters.Where(p => p.Integer && p.Maximum is not null && p.Name != parameter.Name).ToList();
                if (others.Count > 0)
                {
                    // page=21474838&pageSize=100: each value valid on its own type, their product past an int.
                    foreach (var other in others)
                    {
                        query[other.Name] = other.Maximum!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    yield return Format(query);
                }
            }
        }
    }

    private static Dictionary<string, string> Required(List<QueryParameter> parameters, string except) =>
        parameters.Where(p => p.Name != except && s_required.ContainsKey(p.Name)).ToDictionary(p => p.Name, p => s_required[p.Name]);

    private static string Format(Dictionary<string, string> query) =>
        string.Join("&", query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>The GET operations with query parameters; a route value or a required value without a sample fails.</summary>
    private static List<(string Path, List<QueryParameter> Parameters)> ListOperations(JsonElement document)
    {
        var operations = new List<(string, List<QueryParameter>)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out var get) || !get.TryGetProperty("parameters", out var declared))
            {
                continue;
            }

            var parameters = new List<QueryParameter>();
            foreach (var parameter in declared.EnumerateArray())
            {
                var name = parameter.GetProperty("name").GetString()!;
                if (parameter.GetProperty("in").GetString() != "query")
                {
                    continue;
                }

                var required = parameter.TryGetProperty("required", out var flag) && flag.GetBoolean();
                Assert.True(!required || s_required.ContainsKey(name), $"GET {path.Name}: no sample for the required {name}; add one.");
                var schema = parameter.GetProperty("schema");
                parameters.Add(new QueryParameter(
                    name,
                    schema.ToString().Contains("\"integer\"", StringComparison.Ordinal),
                    schema.TryGetProperty("maximum", out var maximum) && maximum.TryGetInt32(out var max) ? max : null));
            }

            if (parameters.Count > 0)
            {
                operations.Add((WithRouteValues(path.Name), parameters));
            }
        }

        return operations;
    }

    private static string WithRouteValues(string path)
    {
        foreach (var (name, value) in s_routeValues)
        {
            path = path.Replace($"{{{name}}}", value, StringComparison.Ordinal);
        }

        Assert.False(path.Contains('{', StringComparison.Ordinal), $"GET {path}: no sample for a route value; add one here.");
        return path;
    }

    private async Task<JsonElement> DocumentOfAsync(string service)
    {
        using var response = await SendAsync(service, DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>As each service's caller does: a member of an academy on its host, an operator, the dashboard.</summary>
    private async Task<HttpResponseMessage> SendAsync(string service, string pathAndQuery)
    {
        switch (service)
        {
            case ResourceNames.Api:
                return await Stack.Api.SendAsync(Alpha, HttpMethod.Get, pathAndQuery);
            case ResourceNames.Platform:
                return await Stack.OperatorAsync(HttpMethod.Get, pathAndQuery);
            default:
                using (var worker = new HttpClient { BaseAddress = Stack.WorkerAddress })
                {
                    return await worker.GetAsync(pathAndQuery);
                }
        }
    }
}
