using System.Collections.Concurrent;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.IntegrationTests.Infrastructure.Otlp;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Observability;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.RateLimiting;

/// <summary>
/// The members' budget on the running stack, with its configured size: one API process flooded by an academy's
/// own members answers 429 problems with Retry-After, keeps serving another academy, and shows the refusals on
/// the exported rejections metric (under the academy's name while the suite's academies have not used up the
/// metric names, AcademyMetricsShould) and as a warning on the academy. The flood's sources and the other callers'
/// budgets are tested in detail on an API of their own (MembersBudgetShould, AddressBudgetShould).
/// </summary>
[Collection(StackCollection.Name)]
public sealed class StackBudgetsShould(StackFixture stack)
{
    /// <summary>Far more than one process's burst and refill allow in the time it takes to send them.</summary>
    private const int FloodSize = 4_000;

    [Fact]
    public async Task RefuseAFloodingAcademyAndServeAnotherOnTheSameProcess()
    {
        var flooding = await stack.CreateServedAcademyAsync("flooding");
        var quiet = await stack.CreateServedAcademyAsync("quiet");
        var replica = stack.ApiReplicas[0];
        var answers = new ConcurrentDictionary<HttpStatusCode, int>();
        HttpResponseMessage? refusal = null;

        await Parallel.ForAsync(0, FloodSize, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) =>
        {
            var response = await replica.SendAsync(flooding, HttpMethod.Get, "/students?pageSize=1");
            answers.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && Interlocked.CompareExchange(ref refusal, response, null) is null)
            {
                return;
            }

            response.Dispose();
        });
        using var quietAnswer = await replica.SendAsync(quiet, HttpMethod.Get, "/students?pageSize=1");

        Assert.True(answers.GetValueOrDefault(HttpStatusCode.TooManyRequests) > 0,
            $"No 429 in {FloodSize} requests: {string.Join(", ", answers.Select(a => $"{(int)a.Key}: {a.Value}"))}.");
        Assert.Equal(FloodSize, answers.GetValueOrDefault(HttpStatusCode.OK) + answers.GetValueOrDefault(HttpStatusCode.TooManyRequests));
        using (refusal)
        {
            await ProblemAssert.IsProblem(refusal!, HttpStatusCode.TooManyRequests);
            Assert.True(refusal!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "The 429 did not say when to retry.");
        }

        Assert.Equal(HttpStatusCode.OK, quietAnswer.StatusCode);
        Assert.True(
            await OtlpCollector.WaitUntilAsync(() => stack.Telemetry.MetricPoints.Any(point => point.Service == ResourceNames.Api
                && point.Metric == TenancyTelemetry.RejectionsInstrument && point["reason"] == "academy_rate_limited"
                && point[TenantTags.Slug] is { } tag && (tag == flooding.Slug || tag == AcademyMetricTags.Other) && point.Value >= 1)),
            "The refusals were not counted on the exported rejections metric.");
        Assert.True(
            await OtlpCollector.WaitUntilAsync(() => stack.Telemetry.Logs.Any(log => log.Service == ResourceNames.Api
                && log.Severity is >= 13 and < 17 && log[TenantTags.Slug] == flooding.Slug)),
            "No exported warning on the flooding academy.");
    }
}
