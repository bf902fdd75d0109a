using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.IntegrationTests.Infrastructure.Otlp;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// One started AppHost (Postgres, API, Worker, platform) shared by every test of the stack collection; each test
/// class works in academies of its own (<see cref="AcademiesOfAsync"/>, <see cref="OwnAcademiesTest"/>).
/// </summary>
public class StackFixture : IAsyncLifetime
{
    public const string SigningKey = "integration-tests-signing-key-of-at-least-32-bytes";
    public const string RuntimePassword = "integration-tests-runtime-password";
    public const string WorkerRunKey = "integration-tests-worker-run-key";
    public const string PlatformSigningKey = "integration-tests-platform-signing-key-of-32-bytes";
    public const string DemoMemberPassword = "integration-tests-demo-member-password";
    public const string PlatformAudience = "tatamitech-platform";

    public const string Issuer = "tatamitech-dev";
    public const string Audience = "tatamitech-api";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;
    private OtlpCollector? _telemetry;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    public HttpClient Api { get; private set; } = null!;

    /// <summary>What every service of the stack exported (traces, logs, metrics), as a collector received it.</summary>
    public OtlpCollector Telemetry => _telemetry ?? throw new InvalidOperationException("The stack has not started.");

    public Uri WorkerAddress { get; private set; } = null!;

    /// <summary>Each API process on its own address (<see cref="Api"/> spreads requests over them).</summary>
    public IReadOnlyList<HttpClient> ApiReplicas { get; private set; } = [];

    /// <summary>The platform service, for operators.</summary>
    public HttpClient Platform { get; private set; } = null!;

    /// <summary>The identity service: its token endpoint on an academy's host, its discovery document on any.</summary>
    public HttpClient Identity { get; private set; } = null!;

    /// <summary>The schema owner (a superuser): provisioning and checking what was written, past the wall.</summary>
    public string OwnerConnectionString { get; private set; } = null!;

    /// <summary>What the API and the Worker run as: the runtime role, inside the wall.</summary>
    public string RuntimeConnectionString { get; private set; } = null!;

    /// <summary>What the platform runs as: the platform role, through the wall on tenant tables too.</summary>
    public string PlatformConnectionString { get; private set; } = null!;

    private readonly ConcurrentDictionary<Type, Lazy<Task<AcademyPair>>> _academies = new();

    /// <summary>
    /// How many API processes the stack runs: two, as in production, so that each must follow the
    /// platform's changes on its own.
    /// </summary>
    public virtual int ApiReplicaCount => 2;

    /// <summary>
    /// Where a local Postgres server keeps this stack's throw-away cluster: a directory of the fixture's own, so
    /// that nothing a machine's default root holds (another run's clusters, its owner and mode) decides whether
    /// the suite starts. Unused when the container runs Postgres.
    /// </summary>
    protected string DataRoot { get; } = Directory.CreateTempSubdirectory("tatamitech-tests-").FullName;

    /// <summary>AppHost arguments a fixture of its own needs on top of the shared ones.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>Changes a fixture of its own makes to the AppHost's model before it is built.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>Whether the stack runs: a fixture whose servers are missing may leave it unstarted (its tests skip).</summary>
    public bool Started => _app is not null;

    /// <summary>Skips the calling test where this fixture could not start its stack; the shared stack always starts.</summary>
    public virtual void SkipUnlessStarted()
    {
    }

    public virtual async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(s_startTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            [
                $"--Parameters:{ResourceNames.JwtSigningKey}={SigningKey}",
                $"--Parameters:{ResourceNames.RuntimeRolePassword}={RuntimePassword}",
                $"--Parameters:{ResourceNames.WorkerRunKey}={WorkerRunKey}",
                $"--Parameters:{ResourceNames.PlatformSigningKey}={PlatformSigningKey}",
                $"--Parameters:{ResourceNames.DemoMemberPassword}={DemoMemberPassword}",
                $"--{ConfigurationKeys.ApiReplicas}={ApiReplicaCount}",
                // On a machine with Docker: never the developer's F5 volume, which is named after the same AppHost.
                "--Postgres:KeepData=false",
                $"--Postgres:DataRoot={DataRoot}",
                .. ExtraArguments,
            ],
            timeout.Token);
        _telemetry = await OtlpCollector.StartAsync();
        builder.WithOtlpExportTo(_telemetry).WithSuiteSizedStrangerBudgets();
        Configure(builder);

        _app = await builder.BuildAsync(timeout.Token);
        await using (var report = new StartReport(_app))
        {
            try
            {
                await _app.StartAsync(timeout.Token);
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Api, timeout.Token);
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Worker, timeout.Token);
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Platform, timeout.Token);
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Identity, timeout.Token);
            }
            catch (Exception failure) when (failure is DistributedApplicationException or OperationCanceledException)
            {
                throw await report.DidNotStartAsync(failure);
            }
        }

        Api = new HttpClient { BaseAddress = _app.GetEndpoint(ResourceNames.Api, "http") };
        WorkerAddress = _app.GetEndpoint(ResourceNames.Worker, "http");
        ApiReplicas = [.. (await ApiReplicaAddressesAsync(_app, timeout.Token)).Select(a => new HttpClient { BaseAddress = a })];
        Platform = new HttpClient { BaseAddress = _app.GetEndpoint(ResourceNames.Platform, "http") };
        // Redirects are the answer under test (a code going back to an app), never followed.
        Identity = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = _app.GetEndpoint(ResourceNames.Identity, "http"),
        };
        OwnerConnectionString = await _app.GetConnectionStringAsync(ResourceNames.OwnerDatabase, timeout.Token)
            ?? throw new InvalidOperationException("The database has no connection string.");
        RuntimeConnectionString = await _app.GetConnectionStringAsync(ResourceNames.RuntimeDatabase, timeout.Token)
            ?? throw new InvalidOperationException("The runtime database connection has no connection string.");
        PlatformConnectionString = await _app.GetConnectionStringAsync(ResourceNames.PlatformDatabase, timeout.Token)
            ?? throw new InvalidOperationException("The platform database connection has no connection string.");
    }

    /// <summary>
    /// The two academies of <paramref name="testClass"/>, created on its first call and the same for the rest of its
    /// tests (<see cref="OwnAcademiesTest"/>).
    /// </summary>
    public Task<AcademyPair> AcademiesOfAsync(Type testClass) =>
        _academies.GetOrAdd(testClass, _ => new(async () =>
            new AcademyPair(await CreateServedAcademyAsync("alpha"), await CreateServedAcademyAsync("bravo")))).Value;

    /// <summary>
    /// An academy written into the directory, once every API replica serves it: each replica learns of it from the
    /// database's announcement, moments after the commit.
    /// </summary>
    public async Task<TestTenant> CreateServedAcademyAsync(string prefix)
    {
        var academy = await TestTenant.CreateAsync(OwnerConnectionString, prefix);
        await Propagation.ServedOnEveryApiReplicaAsync(this, academy.Host, TestTokens.For(academy));
        return academy;
    }

    /// <summary>"Run now" on the Worker, with the key the dashboard's command sends.</summary>
    public async Task<HttpResponseMessage> RunRosterNowAsync(string? key = WorkerRunKey)
    {
        using var worker = new HttpClient { BaseAddress = WorkerAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, ServicePaths.RosterRunNow);
        if (key is not null)
        {
            request.Headers.Add(HeaderNames.RunKey, key);
        }

        return await worker.SendAsync(request);
    }

    /// <summary>A request to the platform service with an operator's token.</summary>
    public Task<HttpResponseMessage> OperatorAsync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", TestTokens.Operator());
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return Platform.SendAsync(request);
    }

    /// <summary>
    /// The address each API replica listens on (its ASPNETCORE_URLS), read from the replicas' own resource
    /// snapshots: the resource's endpoint is a proxy that spreads requests over them.
    /// </summary>
    private async Task<List<Uri>> ApiReplicaAddressesAsync(DistributedApplication app, CancellationToken ct)
    {
        var addresses = new Dictionary<string, Uri>();
        await foreach (var update in app.ResourceNotifications.WatchAsync(ct))
        {
            if (update.Resource.Name != ResourceNames.Api
                || update.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value is not { } urls)
            {
                continue;
            }

            addresses[update.ResourceId] = new Uri(urls.Split(';')[0]);
            if (addresses.Count == ApiReplicaCount)
            {
                return [.. addresses.Values];
            }
        }

        throw new InvalidOperationException("The API replicas never showed their addresses.");
    }

    public virtual async Task DisposeAsync()
    {
        Api?.Dispose();
        Identity?.Dispose();
        Platform?.Dispose();
        foreach (var replica in ApiReplicas)
        {
            replica.Dispose();
        }
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }

        // After the services: each flushes its last batch to it as it stops.
        if (_telemetry is not null)
        {
            await _telemetry.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind fails no test; the server's own stop removes its cluster.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
