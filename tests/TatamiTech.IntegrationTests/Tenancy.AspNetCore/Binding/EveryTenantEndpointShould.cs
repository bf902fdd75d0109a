using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.IntegrationTests.Api.Reference;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authorization;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Binding;

/// <summary>
/// The negative matrix, generated from the API's own endpoints: every tenant-bound endpoint refuses a
/// caller without a token (401) and the other academy's token (403), and every endpoint with an id in its
/// route answers 404 to another academy's id with one's own token, leaving that row as it was. A new
/// endpoint is in the matrix without anyone writing a test; one that needs a sample body or route value
/// the matrix does not know fails until it is given one below. Endpoints out of tenancy, or open to
/// anonymous callers, must be on the reviewed lists.
/// </summary>
[Collection(StackCollection.Name)]
public class EveryTenantEndpointShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    /// <summary>Reviewed: endpoints that serve no academy (probes).</summary>
    private static readonly string[] s_tenantAgnostic = ["GET /health", "GET /alive", "GET /openapi/{documentName}.json"];

    /// <summary>Reviewed: tenant-resolved endpoints an anonymous caller may use (Development tooling).</summary>
    private static readonly string[] s_anonymous = ["POST /dev/tokens", .. ReferencePageShould.Endpoints];

    /// <summary>A valid request body for each endpoint that takes one, so that only the tenant rules can refuse it.</summary>
    private static readonly Dictionary<string, string> s_bodies = new()
    {
        ["POST /students"] = """{"firstName":"Matrix","lastName":"Probe","email":"matrix.probe@example.com","beltRank":"white"}""",
        ["PUT /students/{id:guid}"] = """{"firstName":"Taken","lastName":"Over","email":"taken.over@example.com","beltRank":"black"}""",
        ["POST /students/{studentId:guid}/promotions"] = """{"toRank":"black"}""",
        ["POST /dev/tokens"] = """{"subject":"matrix"}""",
    };

    /// <summary>Query strings an endpoint needs to reach its handler.</summary>
    private static readonly Dictionary<string, string> s_queries = new()
    {
        ["GET /reports/roster"] = "?from=2026-01-01&to=2026-01-31",
    };

    private InProcessApi? _api;
    private Guid _victimStudent;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (!Stack.Started)
        {
            return;
        }

        _api = new InProcessApi(Stack);
        await _api.StartAsync();
        using var created = await Stack.Api.SendAsync(Bravo, HttpMethod.Post, "/students", new
        {
            firstName = "Victim", lastName = "Row", email = $"v{Guid.NewGuid():N}@example.com", beltRank = "white",
        });
        created.EnsureSuccessStatusCode();
        _victimStudent = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public override async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    [SkippableFact]
    public void OptOutOfTenancyOnlyOnTheReviewedLists()
    {
        Stack.SkipUnlessStarted();
        var endpoints = Endpoints();

        Assert.Equal(s_tenantAgnostic.Order(), endpoints.Where(e => e.Agnostic).Select(e => e.Name).Order());
        Assert.Equal(s_anonymous.Order(), endpoints.Where(e => e.Anonymous && !e.Agnostic).Select(e => e.Name).Order());
    }

    [SkippableFact]
    public async Task RefuseACallerWithoutAToken()
    {
        Stack.SkipUnlessStarted();
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !e.Agnostic && !e.Anonymous))
        {
            using var response = await SendAsync(endpoint, token: null, _victimStudent);
            Expect(failures, endpoint, response, HttpStatusCode.Unauthorized);
        }

        Assert.Empty(failures);
    }

    [SkippableFact]
    public async Task RefuseTheOtherAcademysToken()
    {
        Stack.SkipUnlessStarted();
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !e.Agnostic))
        {
            using var response = await SendAsync(endpoint, TestTokens.For(Bravo), _victimStudent);
            Expect(failures, endpoint, response, HttpStatusCode.Forbidden);
        }

        Assert.Empty(failures);
    }

    [SkippableFact]
    public async Task AnswerNotFoundToTheOtherAcademysIdAndLeaveItsRowAlone()
    {
        Stack.SkipUnlessStarted();
        var before = await VictimRowAsync();
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !e.Agnostic && e.Pattern.Contains(":guid}", StringComparison.Ordinal)))
        {
            using var response = await SendAsync(endpoint, TestTokens.For(Alpha), _victimStudent);
            Expect(failures, endpoint, response, HttpStatusCode.NotFound);
        }

        Assert.Empty(failures);
        Assert.Equal(before, await VictimRowAsync());
    }

    /// <summary>
    /// Every endpoint that serves members declares the roles it serves: a new endpoint without a declaration fails here
    /// instead of serving every role of the academy by omission.
    /// </summary>
    [SkippableFact]
    public void DeclareTheRolesEachMemberEndpointServes()
    {
        Stack.SkipUnlessStarted();
        var undeclared = Endpoints().Where(e => !e.Agnostic && !e.Anonymous && e.Roles is not { Count: > 0 }).Select(e => e.Name);

        Assert.Empty(undeclared);
    }

    /// <summary>
    /// The role dimension of the matrix: each endpoint, with a token of the host's own academy in each role, refuses (403)
    /// exactly the roles it does not declare, and serves the others (whatever its own answer: 200, 201, 404, 409).
    /// </summary>
    [SkippableFact]
    public async Task ServeEachRoleOnlyWhatItsEndpointDeclares()
    {
        Stack.SkipUnlessStarted();
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !e.Agnostic && !e.Anonymous))
        {
            foreach (var role in AcademyRoles.All)
            {
                using var response = await SendAsync(endpoint, TestTokens.For(Alpha, role: role), _victimStudent);
                var declared = endpoint.Roles?.Contains(role) == true;
                var refused = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
                if (declared == refused)
                {
                    failures.Add($"{endpoint.Name} as {role}: {(int)response.StatusCode}, {(declared ? "served" : "refused")} expected");
                }
            }
        }

        Assert.Empty(failures);
    }

    [SkippableFact]
    public async Task RefuseAMembersTokenWithoutARole()
    {
        Stack.SkipUnlessStarted();
        var failures = new List<string>();
        foreach (var endpoint in Endpoints().Where(e => !e.Agnostic && !e.Anonymous))
        {
            using var response = await SendAsync(endpoint, TestTokens.For(Alpha, role: null), _victimStudent);
            Expect(failures, endpoint, response, HttpStatusCode.Forbidden);
        }

        Assert.Empty(failures);
    }

    private sealed record ApiEndpoint(
        string Method, string Pattern, bool Agnostic, bool Anonymous, bool TakesBody, IReadOnlyList<string>? Roles)
    {
        public string Name => $"{Method} {Pattern}";
    }

    /// <summary>The API's endpoints; never empty, so no test of the matrix can pass by finding nothing.</summary>
    private List<ApiEndpoint> Endpoints()
    {
        var endpoints = AllEndpoints();
        Assert.Contains(endpoints, e => e.Name == "GET /students/{id:guid}");
        Assert.True(endpoints.Count(e => !e.Agnostic) >= 10, $"Only {endpoints.Count} endpoints found.");
        return endpoints;
    }

    private List<ApiEndpoint> AllEndpoints() =>
    [
        .. _api!.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            // An endpoint without method metadata (health checks) answers any method; GET stands for them.
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new ApiEndpoint(
                method,
                // A group's "/" route ends in a slash ("/students/"); the name is the path a client calls.
                e.RoutePattern.RawText!.Length > 1 ? e.RoutePattern.RawText!.TrimEnd('/') : e.RoutePattern.RawText!,
                e.Metadata.GetMetadata<TenantAgnosticMetadata>() is not null,
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                e.Metadata.GetMetadata<IAcceptsMetadata>() is not null,
                e.Metadata.GetMetadata<AcademyRolesMetadata>()?.Roles))),
    ];

    private async Task<HttpResponseMessage> SendAsync(ApiEndpoint endpoint, string? token, Guid victimId)
    {
        var path = endpoint.Pattern
            .Replace("{id:guid}", victimId.ToString(), StringComparison.Ordinal)
            .Replace("{studentId:guid}", victimId.ToString(), StringComparison.Ordinal)
            .Replace("{documentName?}", "v1", StringComparison.Ordinal);
        Assert.False(
            path.Contains('{', StringComparison.Ordinal), $"{endpoint.Name}: no sample value for a route parameter; add one here.");
        path += s_queries.GetValueOrDefault(endpoint.Name, string.Empty);

        var request = ApiRequests.To(Alpha.Host, new HttpMethod(endpoint.Method), path, token);
        if (endpoint.TakesBody)
        {
            Assert.True(s_bodies.TryGetValue(endpoint.Name, out var body), $"{endpoint.Name}: no sample body; add one here.");
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await Stack.Api.SendAsync(request);
    }

    private static void Expect(List<string> failures, ApiEndpoint endpoint, HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            failures.Add($"{endpoint.Name}: {(int)response.StatusCode}, expected {(int)expected}");
        }
    }

    /// <summary>The victim's student and its promotions, read past the wall as the owner.</summary>
    private async Task<string> VictimRowAsync()
    {
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT row_to_json(s)::text || " +
            "(SELECT count(*) FROM belt_promotions p WHERE p.tenant_id = s.tenant_id AND p.student_id = s.id) " +
            "FROM students s WHERE s.tenant_id = $1 AND s.id = $2",
            connection)
        {
            Parameters = { new() { Value = Bravo.Id }, new() { Value = _victimStudent } },
        };
        return (string?)await command.ExecuteScalarAsync() ?? "(the row is gone)";
    }
}
