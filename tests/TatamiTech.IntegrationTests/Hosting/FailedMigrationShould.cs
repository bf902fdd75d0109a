using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>A stack whose migration run fails starts none of the services that would run on its schema.</summary>
public sealed class FailedMigrationShould : IAsyncLifetime
{
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("tatamitech-tests-").FullName;

    [Fact]
    public async Task KeepEveryServiceFromStartingWhenTheMigrationServiceExitsWithOne()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            [
                $"--Parameters:{ResourceNames.JwtSigningKey}={StackFixture.SigningKey}",
                $"--Parameters:{ResourceNames.RuntimeRolePassword}={StackFixture.RuntimePassword}",
                $"--Parameters:{ResourceNames.WorkerRunKey}={StackFixture.WorkerRunKey}",
                $"--Parameters:{ResourceNames.PlatformSigningKey}={StackFixture.PlatformSigningKey}",
                "--Postgres:Mode=local",
                "--Postgres:KeepData=false",
                $"--Postgres:DataRoot={_dataRoot}",
            ],
            timeout.Token);
        // An owner's connection string Npgsql refuses to read: the run fails at once, before any retry.
        var migrations = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == ResourceNames.Migrations);
        builder.CreateResourceBuilder(migrations)
            .WithEnvironment($"ConnectionStrings__{ConnectionNames.Owner}", "Not A Keyword=broken on purpose");

        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        var finished = await app.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.Migrations, e => e.Snapshot.ExitCode is not null, timeout.Token);
        Assert.Equal(1, finished.Snapshot.ExitCode);
        foreach (var service in new[] { ResourceNames.Api, ResourceNames.Worker, ResourceNames.Platform })
        {
            // A service that started anyway may have run and exited on the missing schema by now.
            var state = await app.ResourceNotifications.WaitForResourceAsync(
                service,
                [KnownResourceStates.FailedToStart, KnownResourceStates.Running, KnownResourceStates.Exited, KnownResourceStates.Finished],
                timeout.Token);
            Assert.Equal(KnownResourceStates.FailedToStart, state);
        }

        await app.StopAsync(timeout.Token);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dataRoot, recursive: true);
        return Task.CompletedTask;
    }
}
