using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TatamiTech.Api;
using TatamiTech.Data.Tenants;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// The API hosted inside the test process against the stack's (already migrated) database, as the
/// runtime role, for what can only be observed from inside: telemetry, and environments other than the
/// stack's Development. (Any public API type
/// names the entry assembly; <c>Program</c> would be ambiguous with the AppHost's.)
/// </summary>
public sealed class InProcessApi(
    StackFixture stack,
    string environment = "Development",
    Action<IServiceCollection>? services = null,
    Action<ILoggingBuilder>? logging = null,
    string? runtimeConnectionString = null,
    bool allowSymmetricKey = true,
    IReadOnlyDictionary<string, string>? settings = null,
    bool waitForDirectory = true) : WebApplicationFactory<ApiEntryPoint>
{
    public Task StartAsync()
    {
        // Creating the server runs Program up to RunAsync, its runtime role check included.
        _ = Server;
        return Task.CompletedTask;
    }

    /// <summary>Started as a stack replica is when it reports healthy: with the academy directory read.</summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (waitForDirectory)
        {
            host.Services.GetRequiredService<TenantCatalog>().Loaded.Wait(TimeSpan.FromSeconds(30));
        }

        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting($"ConnectionStrings:{ConnectionNames.Runtime}", runtimeConnectionString ?? stack.RuntimeConnectionString);
        builder.UseSetting("Jwt:SigningKey", StackFixture.SigningKey);
        builder.UseSetting("Jwt:AllowSymmetricKey", allowSymmetricKey.ToString());
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        // The stack's own API processes are the ones that listen for academy changes; a listener in here
        // would be one more session on the channel that the tests counting listeners would have to tell apart.
        builder.ConfigureTestServices(s =>
        {
            foreach (var listener in s.Where(d => d.ImplementationType == typeof(TenantChangeListener)).ToList())
            {
                s.Remove(listener);
            }
        });
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }

        if (logging is not null)
        {
            builder.ConfigureLogging(logging);
        }
    }
}
