using System.Diagnostics;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>A change must reach every API process within a bound: polled on each replica's own address.</summary>
public static class Propagation
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    /// <summary>Waits until <paramref name="holds"/> is true on every replica; fails past <see cref="Bound"/>.</summary>
    /// <returns>How long the slowest replica took.</returns>
    public static async Task<TimeSpan> OnEveryApiReplicaAsync(StackFixture stack, Func<HttpClient, Task<bool>> holds)
    {
        Assert.Equal(stack.ApiReplicaCount, stack.ApiReplicas.Count);
        var clock = Stopwatch.StartNew();
        foreach (var replica in stack.ApiReplicas)
        {
            while (!await holds(replica))
            {
                Assert.True(clock.Elapsed < Bound, $"{replica.BaseAddress}: not within {Bound.TotalSeconds} s.");
                await Task.Delay(20);
            }
        }

        return clock.Elapsed;
    }

    /// <summary>
    /// Waits until every replica serves the academy at <paramref name="host"/> to a member: a new academy reaches
    /// each API process's directory through the database's announcement, moments after the commit.
    /// </summary>
    public static Task<TimeSpan> ServedOnEveryApiReplicaAsync(StackFixture stack, string host, string token) =>
        OnEveryApiReplicaAsync(stack, async replica =>
        {
            using var response = await replica.SendAsync(host, HttpMethod.Get, "/students?pageSize=1", token);
            return response.StatusCode == HttpStatusCode.OK;
        });
}
