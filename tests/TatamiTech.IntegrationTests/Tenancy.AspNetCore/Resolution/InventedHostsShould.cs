using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using TatamiTech.Data.Tenants;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.IntegrationTests.Tenancy.AspNetCore.RateLimiting;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Resolution;

/// <summary>
/// Hosts that name no academy are answered 404 from the directory held in memory: no query, nothing for a
/// flood of them to exhaust, one warning per address and second.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class InventedHostsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    [Fact]
    public async Task AnswerAFloodOfInventedHostsFromMemoryWhileRealAcademiesResolve()
    {
        var directory = new CountingDirectory();
        var logs = new LogCaptureProcessor();
        await using var api = LimitedApi.Create(
            Stack,
            address: (1, 1),
            services: s => s.AddSingleton<ITenantDirectory>(p => directory.Over(p)),
            logging: l => l.AddOpenTelemetry(o => o.AddProcessor(logs)));
        using var client = api.CreateClient();
        using (var warm = await client.SendAsync(Alpha, HttpMethod.Get, "/students?pageSize=1"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var readsBefore = directory.Reads;
        using var rejections = new RejectionCounter();
        var flood = Stopwatch.StartNew();
        var invented = new ConcurrentBag<HttpStatusCode>();
        var flooding = Parallel.ForAsync(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, ct) =>
        {
            using var response = await client.SendAsync($"z{Guid.NewGuid():N}"[..20] + ".localhost", HttpMethod.Get, "/students");
            invented.Add(response.StatusCode);
        });
        var real = new List<HttpStatusCode>();
        foreach (var academy in new[] { Alpha, Bravo, Alpha, Bravo })
        {
            using var response = await client.SendAsync(academy, HttpMethod.Get, "/students?pageSize=1");
            real.Add(response.StatusCode);
        }

        await flooding;
        flood.Stop();

        Assert.All(real, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.All(invented, status => Assert.Equal(HttpStatusCode.NotFound, status));
        Assert.Equal(readsBefore, directory.Reads);

        Assert.True(rejections.Count("unknown_tenant") >= 400, $"{rejections.Count("unknown_tenant")} unknown-host refusals counted.");

        // One warning per second for the address, each with how many were refused since the one before; refusals
        // after the last warning wait for the next one, which a flood that has ended never writes.
        var warnings = logs.Records
            .Where(r => r.Level == LogLevel.Warning && r.Message.Contains("unknown academies", StringComparison.Ordinal))
            .ToList();
        Assert.InRange(warnings.Count, 1, (int)flood.Elapsed.TotalSeconds + 1);
        Assert.All(warnings, w => Assert.Equal(LimitedApi.DefaultCaller, w.Attributes["ClientAddress"]));
        Assert.InRange(warnings.Sum(w => long.Parse(w.Attributes["Refused"]!, CultureInfo.InvariantCulture)), 1, 400);
    }

    /// <summary>Counts the reads the API makes of the real directory.</summary>
    private sealed class CountingDirectory
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public ITenantDirectory Over(IServiceProvider services) =>
            new Counting(new NpgsqlTenantDirectory(services.GetRequiredService<NpgsqlDataSource>()), this);

        private sealed class Counting(ITenantDirectory inner, CountingDirectory counts) : ITenantDirectory
        {
            public Task<TenantInfo?> FindBySlugAsync(string slug, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref counts._reads);
                return inner.FindBySlugAsync(slug, cancellationToken);
            }

            public Task<IReadOnlyList<TenantInfo>> ListAsync(CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref counts._reads);
                return inner.ListAsync(cancellationToken);
            }
        }
    }
}
