using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Hosts;
using TatamiTech.ServiceDefaults.Problems;
using TatamiTech.ServiceDefaults.Proxies;
using TatamiTech.ServiceDefaults;
using TatamiTech.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Cross-cutting defaults every TatamiTech service shares: telemetry, health, service discovery,
/// resilience and problem details. Tenancy is added separately with <c>AddTenancy()</c>.
/// </summary>
public static class Extensions
{
    /// <summary>The largest request body a service reads; larger ones are refused with 413.</summary>
    public const string MaxRequestBodySizeKey = "Kestrel:Limits:MaxRequestBodySize";

    /// <summary>64 KB: every body of these APIs is a small JSON object.</summary>
    public const long DefaultMaxRequestBodySize = 64 * 1024;

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddKnownProxies();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        // Problem details for every error, and a request the framework cannot bind (malformed JSON, a
        // value that does not parse, the wrong content type, a body over the limit) is the caller's 4xx
        // with the reason, in every environment, rather than the exception handler's 500.
        builder.Services.AddProblemDetails();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblemHandler>();
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize =
            builder.Configuration.GetValue(MaxRequestBodySizeKey, DefaultMaxRequestBodySize));

        // Only the hosts the service is configured for (AllowedHosts), refused with problem details.
        builder.AddServiceHosts();

        // One clock for every service, replaceable in tests.
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            // Scopes carry tenant.slug and tenant.id onto every record written inside a tenant scope.
            logging.IncludeScopes = true;
            // Warnings and errors written after the scope closed (the unhandled-exception record) still name it.
            logging.AddProcessor(new TenantLogProcessor());
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryNames.TenancyMeter, TelemetryNames.IdentityMeter))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddProcessor<TenantActivityProcessor>()
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes would drown the request traces in the dashboard.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(ServicePaths.Health)
                        && !context.Request.Path.StartsWithSegments(ServicePaths.Alive))
                .AddHttpClientInstrumentation());

        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (ready: every check passes) and <c>/alive</c> (the process answers).
    /// Both are anonymous and tenant-agnostic: probes come from the orchestrator, not an academy.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(ServicePaths.Health)
            .AllowAnonymous()
            .WithTenantAgnostic();

        app.MapHealthChecks(ServicePaths.Alive, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") })
            .AllowAnonymous()
            .WithTenantAgnostic();

        return app;
    }
}
