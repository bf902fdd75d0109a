using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// A stack that does not start says why: the fixtures throw the report instead of Aspire's bare "failed to start",
/// so a failed CI run shows the state and the last words of what stopped.
/// </summary>
public sealed class StartReportShould
{
    [Fact]
    public async Task NameTheResourceThatStoppedWithItsExitCodeAndLastLines()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local", "--Postgres:KeepData=false"], timeout.Token);
        // Nothing of the stack: one program that stops at once is the start under test.
        builder.Resources.Clear();
        // Never healthy, so the wait ends only when the program has stopped, as a service's crash at start would.
        builder.Services.AddHealthChecks().AddCheck("never", () => HealthCheckResult.Unhealthy());
        builder.AddExecutable("quitter", "sh", ".", "-c", "echo 'first words'; echo 'the reason it stopped'; exit 3")
            .WithHealthCheck("never");
        await using var app = await builder.BuildAsync(timeout.Token);

        Exception report;
        await using (var recorder = new StartReport(app))
        {
            await app.StartAsync(timeout.Token);
            var failure = await Assert.ThrowsAsync<DistributedApplicationException>(
                () => app.ResourceNotifications.WaitForResourceHealthyAsync("quitter", timeout.Token));
            report = await recorder.DidNotStartAsync(failure);
        }

        Assert.Matches(@"(?m)^- quitter-\w+ \(Executable\): Finished, exit code 3,", report.Message);
        Assert.Contains("Last lines of quitter", report.Message, StringComparison.Ordinal);
        Assert.Contains("the reason it stopped", report.Message, StringComparison.Ordinal);
        await app.StopAsync(timeout.Token);
    }
}
