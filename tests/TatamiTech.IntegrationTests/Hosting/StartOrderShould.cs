using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>No service starts on a schema the migration service has not finished with.</summary>
public sealed class StartOrderShould
{
    [Theory]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Worker)]
    [InlineData(ResourceNames.Platform)]
    public async Task StartAServiceOnlyOnceTheMigrationServiceHasExitedWithZero(string service)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local"], timeout.Token);
        var resource = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == service);

        // Completion, not just a start: a migration service that fails (exit code 1) keeps the service waiting.
        var wait = Assert.Single(resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == ResourceNames.Migrations);
        Assert.Equal(WaitType.WaitForCompletion, wait.WaitType);
        Assert.Equal(0, wait.ExitCode);
    }
}
