using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TatamiTech.Names;
using TatamiTech.Platform.Operators;

namespace TatamiTech.IntegrationTests.Infrastructure;

/// <summary>
/// The platform hosted inside the test process against the stack's database, as the platform role, for what
/// only another environment or configuration shows: its start-up refusals and what it maps outside
/// Development. (Any public platform type names the entry assembly.)
/// </summary>
public sealed class InProcessPlatform(
    StackFixture stack,
    string environment = "Production",
    string? platformConnectionString = null,
    bool allowSymmetricKey = true,
    IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<OperatorTokenRequest>
{
    /// <summary>The host the platform answers on in Production (its AllowedHosts).</summary>
    public const string ProductionHost = "platform.tatamitech.com";

    public Task StartAsync()
    {
        // Creating the server runs Program up to RunAsync: the token settings and the database role check.
        _ = Server;
        return Task.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting($"ConnectionStrings:{ConnectionNames.Platform}", platformConnectionString ?? stack.PlatformConnectionString);
        builder.UseSetting("Jwt:SigningKey", StackFixture.PlatformSigningKey);
        builder.UseSetting("Jwt:AllowSymmetricKey", allowSymmetricKey.ToString());
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}
