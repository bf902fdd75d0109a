using System.Globalization;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService;

namespace TatamiTech.IntegrationTests.MigrationService;

/// <summary>Two migration runs started together, as two rollouts' jobs or two AppHosts on one server can start them.</summary>
[Collection(StackCollection.Name)]
public sealed class MigrationLockShould(StackFixture stack)
{
    [Fact]
    public async Task LetTwoRunsStartedTogetherOnAMissingDatabaseApplyEachMigrationOnce()
    {
        await using var scratch = new ScratchDatabase(stack);
        LogCaptureProcessor[] runs = [new(), new()];

        await Task.WhenAll(runs.Select(logs => Task.Run(() => MigrationServiceHost.RunAsync(scratch.Owner, scratch.Runtime, logs: logs))));

        Assert.Equal(
            MigrationHistory.Known,
            await scratch.QueryAsync("""SELECT migration_id FROM "__EFMigrationsHistory" ORDER BY 1"""));
        // The runs overlapped: one waited for the other, then found nothing left to apply.
        Assert.Single(runs, logs => logs.Records.Any(r => r.Message.StartsWith("Another migration run holds", StringComparison.Ordinal)));
        Assert.Equal([0, MigrationHistory.Known.Count], runs.Select(AppliedNow).Order());
        Assert.Equal(["goldentiger", "ironcrane"], await scratch.QueryAsync("SELECT slug FROM tenants ORDER BY slug"));
    }

    /// <summary>How many migrations a run reports it applied.</summary>
    private static int AppliedNow(LogCaptureProcessor logs) => int.Parse(
        logs.Records.Single(r => r.Message.StartsWith("Database schema is current", StringComparison.Ordinal)).Attributes["Count"]!,
        CultureInfo.InvariantCulture);
}
