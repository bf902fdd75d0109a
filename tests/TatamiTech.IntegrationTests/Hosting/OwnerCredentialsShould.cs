using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>The schema owner's connection reaches the one-shot migration service and nothing that stays up.</summary>
public sealed class OwnerCredentialsShould
{
    private const string OwnerVariable = $"ConnectionStrings__{ConnectionNames.Owner}";
    private const string RuntimeVariable = $"ConnectionStrings__{ConnectionNames.Runtime}";
    private const string PlatformVariable = $"ConnectionStrings__{ConnectionNames.Platform}";

    [Fact]
    public async Task ReachOnlyTheMigrationService()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local"], timeout.Token);

        var migrations = await VariablesOf(builder, ResourceNames.Migrations);
        var api = await VariablesOf(builder, ResourceNames.Api);
        var worker = await VariablesOf(builder, ResourceNames.Worker);
        var platform = await VariablesOf(builder, ResourceNames.Platform);

        Assert.Contains(OwnerVariable, migrations);
        Assert.Contains(RuntimeVariable, migrations);
        Assert.DoesNotContain(OwnerVariable, api);
        Assert.DoesNotContain(OwnerVariable, worker);
        Assert.Contains(RuntimeVariable, api);
        Assert.Contains(RuntimeVariable, worker);

        // The directory's writer gets its own role's connection and nothing else; no one else gets it.
        Assert.Contains(PlatformVariable, platform);
        Assert.DoesNotContain(OwnerVariable, platform);
        Assert.DoesNotContain(RuntimeVariable, platform);
        Assert.DoesNotContain(PlatformVariable, api);
        Assert.DoesNotContain(PlatformVariable, worker);
    }

    private static async Task<IReadOnlyCollection<string>> VariablesOf(IDistributedApplicationTestingBuilder builder, string name)
    {
        var resource = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
        // Obsolete in favour of an execution-configuration builder, but still the shortest way to read what
        // the AppHost would hand a resource, without starting anything.
#pragma warning disable CS0618
        return (await resource.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish)).Keys;
#pragma warning restore CS0618
    }
}
