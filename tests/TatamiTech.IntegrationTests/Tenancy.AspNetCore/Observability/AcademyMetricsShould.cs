using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.Observability;

/// <summary>
/// The dashboard's Metrics page filtered by academy: request durations and refusals carry <c>tenant.slug</c>,
/// as measured by the API's own meters, and only when the setting allows it.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AcademyMetricsShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private const string RequestDuration = "http.server.request.duration";

    [Fact]
    public async Task PutTheAcademyOnRequestDurationsAndRefusals()
    {
        await using var api = new InProcessApi(Stack);
        using var measurements = new Measurements(api, RequestDuration, TenancyTelemetry.RejectionsInstrument);
        using var client = api.CreateClient();

        using var served = await client.SendAsync(Alpha, HttpMethod.Get, "/students");
        using var refused = await client.SendAsync(
            ApiRequests.To(Alpha.Host, HttpMethod.Get, "/students", TestTokens.For(Bravo)));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains(measurements.Of(RequestDuration), tags => tags.GetValueOrDefault(TenantTags.Slug) == Alpha.Slug
            && tags.GetValueOrDefault("http.response.status_code") == "200");
        Assert.Contains(measurements.Of(RequestDuration), tags => tags.GetValueOrDefault(TenantTags.Slug) == Alpha.Slug
            && tags.GetValueOrDefault("http.response.status_code") == "403");
        Assert.Contains(measurements.Of(TenancyTelemetry.RejectionsInstrument), tags =>
            tags.GetValueOrDefault(TenantTags.Slug) == Alpha.Slug && tags.GetValueOrDefault("reason") == "token_tenant_mismatch");
    }

    [Fact]
    public async Task NameNoAcademyWhenTurnedOffOrUnknown()
    {
        await using var api = new InProcessApi(
            Stack, settings: new Dictionary<string, string> { ["Tenancy:Metrics:TagAcademy"] = "false" });
        using var measurements = new Measurements(api, RequestDuration, TenancyTelemetry.RejectionsInstrument);
        using var client = api.CreateClient();

        using var served = await client.SendAsync(Alpha, HttpMethod.Get, "/students");
        using var unknown = await client.SendAsync(ApiRequests.To("nosuchacademy.localhost", HttpMethod.Get, "/students"));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(2, await measurements.CountAsync(RequestDuration, atLeast: 2));
        Assert.DoesNotContain(measurements.Of(RequestDuration), tags => tags.ContainsKey(TenantTags.Slug));
        // A host that names no academy is never a series of its own, whatever the setting: its slug is the caller's invention.
        Assert.Contains(measurements.Of(TenancyTelemetry.RejectionsInstrument), tags =>
            tags.GetValueOrDefault("reason") == "unknown_tenant" && !tags.ContainsKey(TenantTags.Slug));
    }

    /// <summary>Measurements of one in-process API's meters only (the listener is process-wide).</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, Dictionary<string, string?> Tags)> _recorded = new();

        public Measurements(InProcessApi api, params string[] instruments)
        {
            var factory = api.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                // Request durations come from this host's meter factory; the tenancy meter is static, filtered by test data.
                if (instruments.Contains(instrument.Name)
                    && (instrument.Meter.Scope == factory || instrument.Meter.Name == TenancyTelemetry.MeterName))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Record(instrument, tags));
            _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Record(instrument, tags));
            _listener.Start();
        }

        /// <summary>
        /// How many measurements the instrument has, once it has at least <paramref name="atLeast"/> or a bound has
        /// passed: a request's duration is recorded when the server completes it, which can be after the client has
        /// read the response.
        /// </summary>
        public async Task<int> CountAsync(string instrument, int atLeast)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Of(instrument).Count < atLeast && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20);
            }

            return Of(instrument).Count;
        }

        public List<Dictionary<string, string?>> Of(string instrument) =>
            [.. _recorded.Where(r => r.Instrument == instrument).Select(r => r.Tags)];

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, string?>();
            foreach (var (key, value) in tags)
            {
                copy[key] = value?.ToString();
            }

            _recorded.Enqueue((instrument.Name, copy));
        }
    }
}
