using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.Data.Tenants;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Resolution;

/// <summary>
/// Until a process has read the directory, no academy resolves (fail closed): requests are answered 503 with
/// Retry-After after a short wait, and the service is not ready.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class UnreadDirectoryShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task AnswerUnavailableAndFailReadinessUntilTheDirectoryIsRead()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var api = new InProcessApi(
            Stack,
            waitForDirectory: false,
            services: s => s.AddSingleton<ITenantDirectory>(p =>
                new GatedDirectory(new NpgsqlTenantDirectory(p.GetRequiredService<NpgsqlDataSource>()), gate.Task)),
            settings: new Dictionary<string, string> { ["Tenancy:DirectoryLoadWait"] = "00:00:00.200" });
        using var client = api.CreateClient();

        using (var early = await client.SendAsync(Alpha, HttpMethod.Get, "/students?pageSize=1"))
        using (var health = await client.GetAsync(ServicePaths.Health))
        {
            await ProblemAssert.IsProblem(early, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(1), early.Headers.RetryAfter?.Delta);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        }

        gate.SetResult();
        await api.Services.GetRequiredService<TenantCatalog>().Loaded.WaitAsync(TimeSpan.FromSeconds(30));

        using var served = await client.SendAsync(Alpha, HttpMethod.Get, "/students?pageSize=1");
        using var ready = await client.GetAsync(ServicePaths.Health);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>The real directory, whose whole read waits until the test lets it through.</summary>
    private sealed class GatedDirectory(ITenantDirectory inner, Task gate) : ITenantDirectory
    {
        public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken) =>
            inner.FindBySlugAsync(slug, cancellationToken);

        public async Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            return await inner.ListAsync(cancellationToken);
        }
    }
}
