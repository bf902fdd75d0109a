using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Tenancy.AspNetCore.RateLimiting;

/// <summary>The API in-process with the budgets a test chooses; every request from one address unless it names its own.</summary>
internal static class LimitedApi
{
    public const string DefaultCaller = "198.51.100.20";

    public static InProcessApi Create(
        StackFixture stack,
        (int PerSecond, int Burst)? members = null,
        (int PerSecond, int Burst)? strangers = null,
        (int PerSecond, int Burst)? address = null,
        IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null,
        Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging = null)
    {
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>());
        Bucket(all, "Members", members ?? (1000, 1000));
        Bucket(all, "Strangers", strangers ?? (1000, 1000));
        Bucket(all, "Address", address ?? (1000, 1000));
        return new InProcessApi(
            stack,
            services: s =>
            {
                s.AddSingleton<IStartupFilter>(new CallerAddress(DefaultCaller));
                services?.Invoke(s);
            },
            logging: logging,
            settings: all);
    }

    public static HttpRequestMessage From(string peer, HttpRequestMessage request)
    {
        request.Headers.Add(CallerAddress.Header, peer);
        return request;
    }

    private static void Bucket(Dictionary<string, string> settings, string name, (int PerSecond, int Burst) bucket)
    {
        settings[$"Tenancy:RateLimits:{name}:PermitsPerSecond"] = bucket.PerSecond.ToString(CultureInfo.InvariantCulture);
        settings[$"Tenancy:RateLimits:{name}:Burst"] = bucket.Burst.ToString(CultureInfo.InvariantCulture);
    }
}
