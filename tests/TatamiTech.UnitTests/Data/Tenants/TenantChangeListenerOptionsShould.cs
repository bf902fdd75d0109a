using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TatamiTech.Data;
using TatamiTech.Data.Tenants;
using TatamiTech.Names;

namespace TatamiTech.UnitTests.Data.Tenants;

public sealed class TenantChangeListenerOptionsShould
{
    [Fact]
    public void BeatEveryFiveSecondsAndGiveUpAfterFifteenByDefault()
    {
        var options = Resolve([]);

        Assert.Equal(TimeSpan.FromSeconds(5), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.DeadAfter);
    }

    [Fact]
    public void BeReadFromTheListenersSection()
    {
        var options = Resolve(new()
        {
            [$"{DirectoryChannel.ListenerSection}:HeartbeatInterval"] = "00:00:02",
            [$"{DirectoryChannel.ListenerSection}:DeadAfter"] = "00:00:07",
        });

        Assert.Equal(TimeSpan.FromSeconds(2), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), options.DeadAfter);
    }

    [Theory]
    [InlineData("00:00:05", "00:00:05")]
    [InlineData("00:00:10", "00:00:05")]
    [InlineData("00:00:00", "00:00:05")]
    public void RefuseABoundThatOneIntervalCouldReach(string interval, string deadAfter)
    {
        var refusal = Assert.Throws<OptionsValidationException>(() => Resolve(new()
        {
            [$"{DirectoryChannel.ListenerSection}:HeartbeatInterval"] = interval,
            [$"{DirectoryChannel.ListenerSection}:DeadAfter"] = deadAfter,
        }));

        Assert.Contains("DeadAfter longer than it", refusal.Message, StringComparison.Ordinal);
    }

    private static TenantChangeListenerOptions Resolve(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTenantChangeListener();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<TenantChangeListenerOptions>>().Value;
    }
}
