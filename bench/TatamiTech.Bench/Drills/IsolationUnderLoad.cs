using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TatamiTech.Bench.Infrastructure;

namespace TatamiTech.Bench.Drills;

/// <summary>
/// 20 academies under concurrent reads and writes. Every student an academy sees must carry its own
/// email domain; another academy's student id must answer 404. Anything else is a leak.
/// </summary>
internal static class IsolationUnderLoad
{
    private const int Concurrency = 16;

    public static async Task RunAsync(BenchPostgres postgres, ServiceProcess api, BenchOptions options, Report report)
    {
        var tenants = await BenchTenants.CreateAsync(postgres, "tatamidb", "iso", 20, 30);
        var tokens = tenants.Select(BenchTenants.Token).ToArray();
        var created = new ConcurrentDictionary<Guid, int>();
        var createdList = new ConcurrentQueue<(Guid Id, int Tenant)>();
        var leaks = 0;
        var serverErrors = 0;
        var unexpected = new ConcurrentBag<string>();
        using var client = LoadGenerator.NewClient(Concurrency);

        var result = await LoadGenerator.RunAsync(client, Concurrency, options.DrillDuration,
            sequence =>
            {
                var tenant = (int)(sequence % tenants.Count);
                var roll = (int)(sequence * 7919 % 100);
                HttpRequestMessage request;
                if (roll < 60)
                {
                    request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Address, $"/students?pageSize=20&page={1 + (roll % 2)}"));
                }
                else if (roll < 80)
                {
                    request = new HttpRequestMessage(HttpMethod.Post, new Uri(api.Address, "/students"))
                    {
                        Content = JsonContent.Create(new
                        {
                            firstName = "Iso",
                            lastName = "Load",
                            email = $"n{Guid.NewGuid():N}@{tenants[tenant].Slug}.bench",
                            beltRank = "white",
                        }),
                    };
                }
                else
                {
                    // Own rows (must answer 200) or, one time in two, another academy's (must answer 404).
                    var pick = createdList.Skip((int)(sequence % Math.Max(1, createdList.Count))).FirstOrDefault();
                    request = new HttpRequestMessage(
                        HttpMethod.Get, new Uri(api.Address, $"/students/{(pick.Id == Guid.Empty ? Guid.NewGuid() : pick.Id)}"));
                    if (pick.Id != Guid.Empty && roll < 90)
                    {
                        tenant = pick.Tenant;
                    }
                }

                request.Headers.Host = BenchTenants.Host(tenants[tenant]);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[tenant]);
                request.Options.Set(TenantKey, tenant);
                return request;
            },
            async response =>
            {
                var tenant = response.RequestMessage!.Options.TryGetValue(TenantKey, out var t) ? t : -1;
                var domain = "@" + tenants[tenant].Slug + ".bench";
                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref serverErrors);
                    return false;
                }

                var method = response.RequestMessage.Method;
                var path = response.RequestMessage.RequestUri!.AbsolutePath;
                if (method == HttpMethod.Get && path == "/students")
                {
                    var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                    var foreign = page.GetProperty("items").EnumerateArray()
                        .Count(s => !s.GetProperty("email").GetString()!.EndsWith(domain, StringComparison.Ordinal));
                    Interlocked.Add(ref leaks, foreign);
                    return response.StatusCode == HttpStatusCode.OK && foreign == 0;
                }

                if (method == HttpMethod.Post)
                {
                    var student = await response.Content.ReadFromJsonAsync<JsonElement>();
                    var id = student.GetProperty("id").GetGuid();
                    created[id] = tenant;
                    createdList.Enqueue((id, tenant));
                    return response.StatusCode == HttpStatusCode.Created;
                }

                var asked = Guid.Parse(path["/students/".Length..]);
                var owner = created.TryGetValue(asked, out var o) ? o : -1;
                if (response.StatusCode == HttpStatusCode.OK && owner != tenant)
                {
                    Interlocked.Increment(ref leaks);
                    return false;
                }

                var expected = owner == tenant ? HttpStatusCode.OK : HttpStatusCode.NotFound;
                if (response.StatusCode != expected)
                {
                    unexpected.Add($"{(int)response.StatusCode} for {path}");
                    return false;
                }

                return true;
            });

        report.Row(
            $"drill: isolation under load ({tenants.Count} academies, " +
            $"{options.DrillDuration.TotalSeconds:F0} s, {Concurrency} clients)",
            leaks == 0 && serverErrors == 0 ? "PASS" : "FAIL",
            $"{result.Requests:N0} requests (60% lists, 20% creates, 20% reads by id, half of them of another academy); " +
            $"leaks {leaks}, server errors {serverErrors}, other failures {result.Failures - serverErrors}");
        if (leaks != 0 || serverErrors != 0)
        {
            BenchOutcome.Failed = true;
        }
    }

    private static readonly HttpRequestOptionsKey<int> TenantKey = new("tenant");
}
