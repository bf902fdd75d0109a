using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TatamiTech.Tenancy.AspNetCore.RateLimiting;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.RateLimiting;

/// <summary>The budgets docs/operations.md states, as a service gets them from its configuration.</summary>
public sealed class RateLimitDefaultsShould
{
    [Fact]
    public void GiveTheDocumentedBudgetsWithNothingConfigured()
    {
        var options = Bind([]);

        Assert.Equal((100, 200), (options.Members.PermitsPerSecond, options.Members.Burst));
        Assert.Equal((20, 40), (options.Strangers.PermitsPerSecond, options.Strangers.Burst));
        Assert.Equal((10, 20), (options.Address.PermitsPerSecond, options.Address.Burst));
        Assert.Equal(100_000, options.MaxAddresses);
        Assert.True(options.IsValid());
    }

    [Fact]
    public void KeepTheOtherDefaultsWhenOneValueIsConfigured()
    {
        var options = Bind(new() { [$"{RateLimitOptions.SectionName}:Members:PermitsPerSecond"] = "50" });

        Assert.Equal((50, 200), (options.Members.PermitsPerSecond, options.Members.Burst));
        Assert.Equal((20, 40), (options.Strangers.PermitsPerSecond, options.Strangers.Burst));
    }

    private static RateLimitOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RateLimitOptions>>().Value;
    }
}
