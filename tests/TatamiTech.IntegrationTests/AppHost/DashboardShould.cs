using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.MigrationService.Seeding;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.AppHost;

/// <summary>
/// What the dashboard offers a newcomer, read from the running AppHost's resource snapshots and commands:
/// links that answer, and a token of a demo academy in one click.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DashboardShould(StackFixture stack)
{
    [Fact]
    public async Task LinkOnlyToPagesThatAnswer()
    {
        var shown = new List<UrlSnapshot>();
        foreach (var service in new[] { ResourceNames.Api, ResourceNames.Platform })
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var ready = await stack.App.ResourceNotifications.WaitForResourceAsync(
                service, e => e.Snapshot.Urls.Any(u => u.Url.Contains("/scalar/", StringComparison.Ordinal)), timeout.Token);
            shown.AddRange(ready.Snapshot.Urls.Where(u => !u.IsInternal));
        }

        foreach (var slug in DemoAcademySlugs.All)
        {
            Assert.Contains(shown, u =>
                u.Url.StartsWith($"http://{slug}.localhost:", StringComparison.Ordinal)
                && u.Url.EndsWith("/scalar/", StringComparison.Ordinal));
            Assert.Contains(shown, u => u.Url.Contains($"{slug}.localhost", StringComparison.Ordinal) && u.Url.Contains("students"));
        }

        using var client = new HttpClient();
        foreach (var url in shown.Select(u => new Uri(u.Url)))
        {
            // *.localhost is loopback; the Host header keeps the academy's name, as a browser sends it.
            using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(url) { Host = "127.0.0.1", Fragment = "" }.Uri);
            request.Headers.Host = url.Authority;
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task MintATokenOfTheChosenDemoAcademy()
    {
        var result = await DevTokenAsync(DemoAcademySlugs.GoldenTiger);

        Assert.True(result.Success, result.Message);
        var token = result.Data?.Value;
        Assert.False(string.IsNullOrEmpty(token));
        var goldenTiger = TestTenant.From(DemoAcademies.GoldenTiger);
        using var own = await stack.Api.SendAsync(goldenTiger.Host, HttpMethod.Get, "/students", token);
        using var other = await stack.Api.SendAsync(TestTenant.From(DemoAcademies.IronCrane).Host, HttpMethod.Get, "/students", token);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task MintATokenOfTheChosenRole()
    {
        var result = await DevTokenAsync(DemoAcademySlugs.GoldenTiger, AcademyRoles.Student);

        Assert.True(result.Success, result.Message);
        var goldenTiger = TestTenant.From(DemoAcademies.GoldenTiger);
        // Students are listed by the staff only: a student's token is refused there, by its role, not by its academy.
        using var list = await stack.Api.SendAsync(goldenTiger.Host, HttpMethod.Get, "/students", result.Data?.Value);
        await ProblemAssert.IsProblem(list, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SayWhyWhenTheAcademyDoesNotExist()
    {
        var result = await DevTokenAsync("nosuchacademy");

        Assert.False(result.Success);
        Assert.Contains("404", result.Message, StringComparison.Ordinal);
    }

    /// <summary>The command as the dashboard runs it: on one of the API's replicas, by that replica's id.</summary>
    private async Task<ExecuteCommandResult> DevTokenAsync(string academy, string role = AcademyRoles.Owner)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var replica = await stack.App.ResourceNotifications.WaitForResourceAsync(
            ResourceNames.Api, e => e.Snapshot.State?.Text == KnownResourceStates.Running, timeout.Token);
        return await stack.App.ResourceCommands.ExecuteCommandAsync(replica.ResourceId, "dev-token", new InteractionInputCollection(
        [
            new InteractionInput
            {
                Name = "academy", Label = "Academy", InputType = InputType.Choice, Value = academy, AllowCustomChoice = true,
            },
            new InteractionInput { Name = "role", Label = "Role", InputType = InputType.Choice, Value = role },
        ]));
    }
}
