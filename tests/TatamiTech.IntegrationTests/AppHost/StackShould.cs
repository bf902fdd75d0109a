using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.AppHost;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService.Seeding;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.AppHost;

/// <summary>The stack as the AppHost starts it: each service runs, healthy, from the database the migrations built.</summary>
[Collection(StackCollection.Name)]
public sealed class StackShould(StackFixture stack)
{
    [Fact]
    public async Task ServeTheDemoAcademyFromTheMigratedDatabase()
    {
        var demo = TestTenant.From(DemoAcademies.GoldenTiger);

        using var response = await stack.Api.SendAsync(demo, HttpMethod.Get, "/students?pageSize=100");

        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var emails = page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("email").GetString()).ToList();
        Assert.Contains("aiko.tanaka@example.com", emails);
        Assert.DoesNotContain("chen.wei@example.com", emails);
    }

    [Fact]
    public async Task ReportTheApiHealthy()
    {
        using var response = await stack.Api.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(ResourceNames.Api)]
    [InlineData(ResourceNames.Worker)]
    [InlineData(ResourceNames.Platform)]
    public async Task RunEachServiceAsTheProgramItsBuildProduced(string service)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var resource = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ProjectResource>().Single(r => r.Name == service);
        var program = BuiltServicePrograms.ProgramOf(resource.GetProjectMetadata().ProjectPath);
        Assert.NotNull(program);

        // The process the orchestrator started and watches (the snapshot's property names are the dashboard's).
        await foreach (var update in stack.App.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (update.Resource.Name != service
                || update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is not int pid
                || pid <= 0)
            {
                continue;
            }

            Assert.Equal(program, update.Snapshot.Properties.Single(p => p.Name == "executable.path").Value);
            if (OperatingSystem.IsLinux())
            {
                // The running process is the program itself, not a dotnet host that evaluated the project first.
                Assert.Equal(program, File.ResolveLinkTarget($"/proc/{pid}/exe", returnFinalTarget: true)?.FullName);
            }

            return;
        }
    }

    [Fact]
    public async Task RunTheWorker()
    {
        using var worker = new HttpClient { BaseAddress = stack.WorkerAddress };

        using var response = await worker.GetAsync("/health");

        // Healthy only once a sweep over the academies has completed against the database.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
