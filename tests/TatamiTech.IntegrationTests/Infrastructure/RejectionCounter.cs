using System.Diagnostics.Metrics;
using TatamiTech.Tenancy.AspNetCore.Observability;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>Listens to the rejections counter for the duration of a test.</summary>
public sealed class RejectionCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _counts = [];

    public RejectionCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TenancyTelemetry.MeterName && instrument.Name == TenancyTelemetry.RejectionsInstrument)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason" && tag.Value is string reason)
                {
                    lock (_counts)
                    {
                        _counts[reason] = _counts.GetValueOrDefault(reason) + value;
                    }
                }
            }
        });
        _listener.Start();
    }

    public long Count(string reason)
    {
        lock (_counts)
        {
            return _counts.GetValueOrDefault(reason);
        }
    }

    public void Dispose() => _listener.Dispose();
}
