using Microsoft.Extensions.Logging;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>
/// The migration service's process: its exit code is what the AppHost's <c>WaitForCompletion</c> and a rollout's
/// job read, so a run that fails says so there and in its log.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class MigrationRunShould(StackFixture stack)
{
    [Fact]
    public async Task ExitWithOneAndLogTheReasonWhenAMigrationFails()
    {
        await using var scratch = new ScratchDatabase(stack);
        await OwnerSql.ExecuteAsync(stack.OwnerConnectionString, $"CREATE DATABASE {scratch.Name}");
        // A table of another shape where the first migration creates its own.
        await OwnerSql.ExecuteAsync(scratch.Owner, "CREATE TABLE tenants (id integer)");
        var logs = new LogCaptureProcessor();
        using var migrations = MigrationServiceHost.Build(scratch.Owner, scratch.Runtime, logs: logs);

        var exitCode = await migrations.RunMigrationsAsync();

        Assert.Equal(1, exitCode);
        var failure = Assert.Single(logs.Records, r => r.Level == LogLevel.Critical);
        Assert.Equal("The database could not be migrated; the services will not start", failure.Message);
        Assert.Contains("42P07: relation \"tenants\" already exists", failure.Exception, StringComparison.Ordinal);
    }
}
