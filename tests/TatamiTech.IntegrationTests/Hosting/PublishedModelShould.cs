using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using System.Text.Json;
using System.Text.RegularExpressions;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// The app model as published for a deployment (the manifest the README's command writes), read as a deploy
/// tool reads it: complete, nothing from this machine, secrets only as parameters, and each service with only
/// the database role it needs.
/// </summary>
/// <remarks>
/// In the stack's collection, though it needs no stack: publishing runs the AppHost with <c>dotnet run</c>, a
/// burst of CPU that must not land beside the tests that time a change reaching every API process.
/// </remarks>
[Collection(StackCollection.Name)]
public sealed partial class PublishedModelShould
{
    [Theory]
    [InlineData("container")]
    [InlineData("external")]
    public async Task ReferenceOnlyResourcesItDescribes(string mode)
    {
        var resources = await PublishAsync(mode);
        var text = resources.ToString();

        var referenced = ResourceReference().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();
        var described = resources.EnumerateObject().Select(r => r.Name).ToHashSet();
        Assert.Empty(referenced.Except(described));
        Assert.DoesNotContain(resources.EnumerateObject(), r => Type(r.Value).StartsWith("executable", StringComparison.Ordinal));
        if (mode == "container")
        {
            Assert.Equal("container.v0", Type(resources.GetProperty(ResourceNames.Postgres)));
        }
        else
        {
            Assert.False(resources.TryGetProperty(ResourceNames.Postgres, out _), "An external server is not described.");
            Assert.All(
                [ConnectionNames.Owner, ConnectionNames.Runtime, ConnectionNames.Platform],
                name => Assert.True(IsSecretParameter(resources, $"{{{name}.value}}"), $"{name} must be a secret parameter."));
        }
    }

    [Theory]
    [InlineData("container")]
    [InlineData("external")]
    public async Task CarrySecretsOnlyAsSecretParameters(string mode)
    {
        var resources = await PublishAsync(mode);

        var failures = new List<string>();
        foreach (var service in Services(resources))
        {
            foreach (var variable in service.Value.GetProperty("env").EnumerateObject())
            {
                var value = variable.Value.GetString()!;
                if (IsSecret(variable.Name) && !IsSecretParameter(resources, value))
                {
                    failures.Add($"{service.Name}: {variable.Name} = {value} is not a secret parameter");
                }
            }
        }

        // A connection string may hold a password only as a reference to a secret parameter.
        foreach (var resource in resources.EnumerateObject())
        {
            if (resource.Value.TryGetProperty("connectionString", out var connection)
                && LiteralPassword().Match(connection.GetString()!) is { Success: true } literal)
            {
                failures.Add($"{resource.Name}: literal password in its connection string ({literal.Value[..9]}...)");
            }

            foreach (var password in PasswordReference().Matches(resource.Value.ToString()).Select(m => m.Groups[1].Value))
            {
                if (!IsSecretParameter(resources, $"{{{password}.value}}"))
                {
                    failures.Add($"{resource.Name}: password {password} is not a secret parameter");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("container")]
    [InlineData("external")]
    public async Task GiveTheOwnersConnectionToTheMigrationServiceAlone(string mode)
    {
        var resources = await PublishAsync(mode);

        Assert.Equal(
            [ConnectionNames.Owner, ConnectionNames.Identity, ConnectionNames.Platform, ConnectionNames.Runtime],
            Connections(resources, ResourceNames.Migrations));
        Assert.Equal([ConnectionNames.Runtime], Connections(resources, ResourceNames.Api));
        Assert.Equal([ConnectionNames.Runtime], Connections(resources, ResourceNames.Worker));
        Assert.Equal([ConnectionNames.Platform], Connections(resources, ResourceNames.Platform));
        Assert.Equal([ConnectionNames.Identity], Connections(resources, ResourceNames.Identity));
    }

    [Fact]
    public async Task TakeTokensFromTheIdentityProviderNotFromDevelopmentKeys()
    {
        var resources = await PublishAsync("container");

        foreach (var service in new[] { ResourceNames.Api, ResourceNames.Platform })
        {
            var env = resources.GetProperty(service).GetProperty("env");
            Assert.Equal($"{{{ResourceNames.OidcAuthority}.value}}", env.GetProperty("Jwt__Authority").GetString());
            Assert.False(env.TryGetProperty("Jwt__SigningKey", out _), $"{service} must not get a signing key.");
        }

        Assert.Equal("parameter.v0", Type(resources.GetProperty(ResourceNames.OidcAuthority)));

        // The identity service names the same issuer, and signs with a key the operator supplies as a secret.
        var identity = resources.GetProperty(ResourceNames.Identity).GetProperty("env");
        Assert.Equal($"{{{ResourceNames.OidcAuthority}.value}}", identity.GetProperty("Identity__Issuer").GetString());
        var signingKey = identity.GetProperty("Identity__SigningKey").GetString()!;
        Assert.Equal($"{{{ResourceNames.IdentitySigningKey}.value}}", signingKey);
        Assert.True(IsSecretParameter(resources, signingKey), "the signing key must be a secret parameter");
        Assert.False(resources.TryGetProperty(ResourceNames.JwtSigningKey, out _));
        Assert.False(resources.TryGetProperty(ResourceNames.PlatformSigningKey, out _));
    }

    [Fact]
    public async Task KeepRetryingTelemetryExportsForARemoteCollector()
    {
        var resources = await PublishAsync("container");

        foreach (var service in Services(resources))
        {
            // Run locally the retry is switched off (ServiceTelemetryShould); published, Aspire's own stays.
            var env = service.Value.GetProperty("env");
            Assert.Equal("in_memory", env.GetProperty(ConfigurationKeys.OtlpExportRetry).GetString());
        }
    }

    [Fact]
    public async Task DeclareEveryServicesReadinessAndLivenessProbes()
    {
        var output = Path.Combine(Path.GetTempPath(), $"tatamitech-model-{Guid.NewGuid():N}");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--publisher", "manifest", "--output-path", output, "--Postgres:Mode=container"]);

        foreach (var service in new[] { ResourceNames.Api, ResourceNames.Worker, ResourceNames.Platform })
        {
            var resource = builder.Resources.Single(r => r.Name == service);
#pragma warning disable ASPIREPROBES001 // The probes' annotation is experimental, like the API that adds it.
            var probes = resource.Annotations.OfType<EndpointProbeAnnotation>()
                .ToDictionary(p => p.Type, p => (p.Path, p.EndpointReference.EndpointName));
            Assert.Equal((ServicePaths.Health, "http"), probes[ProbeType.Readiness]);
            Assert.Equal((ServicePaths.Alive, "http"), probes[ProbeType.Liveness]);
#pragma warning restore ASPIREPROBES001
        }
    }

    private static IEnumerable<JsonProperty> Services(JsonElement resources) =>
        resources.EnumerateObject().Where(r => Type(r.Value).StartsWith("project", StringComparison.Ordinal));

    private static string Type(JsonElement resource) => resource.GetProperty("type").GetString()!;

    /// <summary>The connection names a service gets (each once: Aspire also writes an underscore spelling).</summary>
    private static List<string> Connections(JsonElement resources, string service) =>
    [
        .. resources.GetProperty(service).GetProperty("env").EnumerateObject()
            .Where(v => v.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .Select(v => ResourceReference().Match(v.Value.GetString()!).Groups[1].Value)
            .Distinct()
            .Order(),
    ];

    private static bool IsSecret(string variable) =>
        variable.Contains("Key", StringComparison.OrdinalIgnoreCase)
        || variable.Contains("Password", StringComparison.OrdinalIgnoreCase)
        || variable.Contains("Secret", StringComparison.OrdinalIgnoreCase);

    private static bool IsSecretParameter(JsonElement resources, string value) =>
        ParameterValue().Match(value) is { Success: true } parameter
        && resources.TryGetProperty(parameter.Groups[1].Value, out var resource)
        && Type(resource) == "parameter.v0"
        && resource.GetProperty("inputs").GetProperty("value").TryGetProperty("secret", out var secret)
        && secret.GetBoolean();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<JsonElement>>> s_published = new();

    [Theory]
    [InlineData("local")]
    [InlineData("citus")]
    public async Task RefuseToPublishAServerOfThisMachine(string mode)
    {
        var (exitCode, output) = await RunPublisherAsync(mode, Path.Combine(Path.GetTempPath(), $"tatamitech-manifest-{Guid.NewGuid():N}"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Postgres:Mode={mode} cannot be published", output, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task PublishWithoutAskingAContainerEngine()
    {
        // A client whose engine never answers, under the name Aspire and the AppHost call, and no engine socket.
        using var docker = new FakeContainerRuntime(engineAnswers: false);
        var output = Path.Combine(Path.GetTempPath(), $"tatamitech-manifest-{Guid.NewGuid():N}");
        try
        {
            var (exitCode, log) = await RunPublisherAsync(
                "container", Path.Combine(output, "aspire-manifest.json"),
                new() { ["ASPIRE_CONTAINER_RUNTIME"] = docker.Path, ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });

            Assert.True(exitCode == 0, $"Publishing failed ({exitCode}): {log}");
            Assert.True(File.Exists(Path.Combine(output, "aspire-manifest.json")));
            Assert.Empty(docker.Calls);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>The manifest of a Postgres mode, published once for all the tests that read it.</summary>
    private static Task<JsonElement> PublishAsync(string mode) =>
        s_published.GetOrAdd(mode, m => new Lazy<Task<JsonElement>>(() => WriteManifestAsync(m))).Value;

    /// <summary>Writes the manifest with the README's command, for the given Postgres mode.</summary>
    private static async Task<JsonElement> WriteManifestAsync(string mode)
    {
        var output = Path.Combine(Path.GetTempPath(), $"tatamitech-manifest-{Guid.NewGuid():N}", "aspire-manifest.json");
        var (exitCode, log) = await RunPublisherAsync(mode, output);
        Assert.True(exitCode == 0, $"Publishing failed ({exitCode}): {log}");
        try
        {
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(output));
            return manifest.RootElement.GetProperty("resources").Clone();
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    /// <summary>The README's publish command for a Postgres mode: its exit code and everything it wrote.</summary>
    private static async Task<(int ExitCode, string Output)> RunPublisherAsync(
        string mode, string output, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "run", "--project", Projects.TatamiTech_AppHost.ProjectPath, "--no-build", "--",
                "--publisher", "manifest", "--output-path", output, $"--Postgres:Mode={mode}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await log + await errors);
    }

    [GeneratedRegex(@"\{([a-z0-9-]+)\.(?:connectionString|value|bindings|inputs)")]
    private static partial Regex ResourceReference();

    [GeneratedRegex(@"^\{([a-z0-9-]+)\.value\}$")]
    private static partial Regex ParameterValue();

    [GeneratedRegex(@"Password=\{([a-z0-9-]+)\.value\}")]
    private static partial Regex PasswordReference();

    [GeneratedRegex(@"Password=(?!\{)[^;]+")]
    private static partial Regex LiteralPassword();
}
