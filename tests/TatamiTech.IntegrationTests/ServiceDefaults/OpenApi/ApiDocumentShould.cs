using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.ServiceDefaults.OpenApi;

/// <summary>
/// The OpenAPI documents against the endpoints the services really map: every endpoint is described,
/// with its success response, the errors the pipeline can answer before its handler, and only problem
/// details as error bodies. A new endpoint is checked by being mapped.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class ApiDocumentShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private const string DocumentPath = "/openapi/v1.json";
    private InProcessApi _api = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _api = new InProcessApi(Stack);
        await _api.StartAsync();
    }

    public override async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task DescribeEveryEndpointOfTheApiAndNothingElse()
    {
        var document = await ApiDocumentAsync();

        var described = Operations(document).Select(o => o.Name).Order().ToList();
        var mapped = DescribedEndpoints().Select(e => e.Name).Order().ToList();

        Assert.True(mapped.Count >= 10, $"Only {mapped.Count} endpoints found.");
        Assert.Equal(mapped, described);
    }

    [Fact]
    public async Task DocumentWhatThePipelineAnswersOnEveryApiOperation()
    {
        var operations = Operations(await ApiDocumentAsync()).ToDictionary(o => o.Name);
        var failures = new List<string>();
        foreach (var endpoint in DescribedEndpoints())
        {
            var operation = operations[endpoint.Name];
            var expected = new List<string>();
            if (!endpoint.Anonymous)
            {
                expected.AddRange(["401", "403"]);
                if (!operation.Secured)
                {
                    failures.Add($"{endpoint.Name}: no bearer security requirement");
                }
            }

            if (!endpoint.Agnostic)
            {
                expected.AddRange(["403", "404", "429", "503"]);
            }

            if (endpoint.TakesBody)
            {
                expected.AddRange(["400", "413", "415"]);
            }

            failures.AddRange(expected.Except(operation.Statuses).Select(s => $"{endpoint.Name}: {s} not documented"));
            if (!operation.Statuses.Any(s => s[0] == '2'))
            {
                failures.Add($"{endpoint.Name}: no success response");
            }

            // A handler that can answer a problem of its own (a 409) must say which.
            if (endpoint.ReturnsOwnProblem && !operation.Statuses.Except(PipelineStatuses).Any(s => s[0] == '4'))
            {
                failures.Add($"{endpoint.Name}: returns a problem of its own but documents none (add ProducesProblem)");
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Platform)]
    [InlineData(ResourceNames.Worker)]
    public async Task AnswerEveryErrorWithProblemDetailsInEveryService(string service)
    {
        var document = await DocumentOfAsync(service);

        var operations = Operations(document);
        Assert.NotEmpty(operations);
        var failures = operations
            .SelectMany(o => o.ErrorContentTypes.Where(e => e.ContentTypes != "application/problem+json")
                .Select(e => $"{o.Name} {e.Status}: '{e.ContentTypes}'"))
            .ToList();
        Assert.Empty(failures);
        Assert.All(operations, o => Assert.Contains(o.Statuses, s => s[0] == '2'));
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace(o.Summary), $"{o.Name} has no summary."));
    }

    [Theory]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Platform)]
    [InlineData(ResourceNames.Worker)]
    public async Task AnswerBadRequestToAHostThatDoesNotDecode(string service)
    {
        using var client = service switch
        {
            ResourceNames.Api => new HttpClient { BaseAddress = Stack.Api.BaseAddress },
            ResourceNames.Platform => new HttpClient { BaseAddress = Stack.Platform.BaseAddress },
            _ => new HttpClient { BaseAddress = Stack.WorkerAddress },
        };

        using var response = await client.SendAsync("xn--a", HttpMethod.Get, DocumentPath);

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AskThePlatformsCallersForAnOperatorToken()
    {
        var document = await DocumentOfAsync(ResourceNames.Platform);

        var secured = Operations(document).Where(o => o.Name.Contains("/academies", StringComparison.Ordinal)).ToList();
        Assert.True(secured.Count >= 7);
        Assert.All(secured, o =>
        {
            Assert.True(o.Secured, o.Name);
            Assert.Contains("401", o.Statuses);
            Assert.Contains("403", o.Statuses);
        });
        Assert.Contains("409", secured.Single(o => o.Name == "POST /academies").Statuses);
    }

    [Fact]
    public async Task StateTheLimitsTheHandlersEnforce()
    {
        var schemas = (await ApiDocumentAsync()).GetProperty("components").GetProperty("schemas");

        var student = schemas.GetProperty("StudentRequest");
        var properties = student.GetProperty("properties");
        Assert.Equal(100, properties.GetProperty("firstName").GetProperty("maxLength").GetInt32());
        Assert.Equal(254, properties.GetProperty("email").GetProperty("maxLength").GetInt32());
        Assert.Equal(
            ["white", "yellow", "orange", "green", "blue", "purple", "brown", "black"],
            properties.GetProperty("beltRank").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(4, student.GetProperty("required").GetArrayLength());
        Assert.Equal("yellow", student.GetProperty("examples")[0].GetProperty("beltRank").GetString());

        var list = (await ApiDocumentAsync()).GetProperty("paths").GetProperty("/students").GetProperty("get");
        var pageSize = list.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "pageSize");
        Assert.Equal(100, pageSize.GetProperty("schema").GetProperty("maximum").GetInt32());
    }

    private static readonly string[] PipelineStatuses = ["400", "401", "403", "404", "413", "415", "429", "503"];

    private sealed record DocumentedOperation(
        string Name,
        string? Summary,
        IReadOnlyList<string> Statuses,
        bool Secured,
        IReadOnlyList<(string Status, string ContentTypes)> ErrorContentTypes);

    private sealed record MappedEndpoint(string Name, bool Agnostic, bool Anonymous, bool TakesBody, bool ReturnsOwnProblem);

    private async Task<JsonElement> ApiDocumentAsync() => await DocumentOfAsync(ResourceNames.Api);

    private async Task<JsonElement> DocumentOfAsync(string service)
    {
        using var response = service switch
        {
            ResourceNames.Api => await Stack.Api.SendAsync(Alpha.Host, HttpMethod.Get, DocumentPath),
            ResourceNames.Platform => await Stack.Platform.GetAsync(DocumentPath),
            _ => await new HttpClient { BaseAddress = Stack.WorkerAddress }.GetAsync(DocumentPath),
        };
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<DocumentedOperation> Operations(JsonElement document) =>
    [
        .. document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject().Select(operation =>
        {
            var responses = operation.Value.GetProperty("responses").EnumerateObject().ToList();
            return new DocumentedOperation(
                $"{operation.Name.ToUpperInvariant()} {path.Name}",
                operation.Value.TryGetProperty("summary", out var summary) ? summary.GetString() : null,
                [.. responses.Select(r => r.Name)],
                operation.Value.TryGetProperty("security", out var security) && security.GetArrayLength() > 0,
                [.. responses.Where(r => r.Name[0] is '4' or '5').Select(r => (r.Name, ContentTypes(r.Value)))]);
        })),
    ];

    private static string ContentTypes(JsonElement response) =>
        response.TryGetProperty("content", out var content)
            ? string.Join(",", content.EnumerateObject().Select(c => c.Name))
            : "(no body)";

    /// <summary>The API's endpoints a document describes: those not excluded from description, by the name a client calls.</summary>
    private List<MappedEndpoint> DescribedEndpoints() =>
    [
        .. _api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(method => new MappedEndpoint(
                $"{method} {ClientPath(e.RoutePattern.RawText!)}",
                e.Metadata.GetMetadata<TenantAgnosticMetadata>() is not null,
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                e.Metadata.GetMetadata<IAcceptsMetadata>() is not null,
                e.Metadata.OfType<MethodInfo>().Any(ReturnsProblemOfItsOwn)))),
    ];

    private static bool ReturnsProblemOfItsOwn(MethodInfo handler) =>
        handler.ReturnType.ToString().Contains(nameof(ProblemHttpResult), StringComparison.Ordinal);

    /// <summary><c>/students/{id:guid}/</c> as a document writes it: <c>/students/{id}</c>.</summary>
    private static string ClientPath(string pattern)
    {
        var path = RouteConstraint().Replace(pattern, "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(":[^}]+}")]
    private static partial Regex RouteConstraint();
}
