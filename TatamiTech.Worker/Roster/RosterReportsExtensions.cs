using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TatamiTech.Names;

namespace TatamiTech.Worker.Roster;

public static class RosterReportsExtensions
{
    // Well under Npgsql's default pool of 100 connections, which the Worker's other work shares.
    private const int MaxAcademiesInFlightLimit = 32;

    /// <summary>The roster job and what it needs; <paramref name="schedule"/> false for hosts that run it by hand.</summary>
    public static TBuilder AddRosterReports<TBuilder>(this TBuilder builder, bool schedule = true) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<RosterReportOptions>()
            .BindConfiguration(RosterReportOptions.SectionName)
            .Configure<IHostEnvironment>((o, env) => o.EnableRunEndpoint |= env.IsDevelopment())
            .Validate(
                o => string.IsNullOrWhiteSpace(o.Schedule) || Cronos.CronExpression.TryParse(o.Schedule, out _),
                "Worker:Roster:Schedule is not a cron expression.")
            .Validate(o => o.Interval > TimeSpan.Zero, "Worker:Roster:Interval must be positive.")
            .Validate(
                o => o.MaxAcademiesInFlight is >= 1 and <= MaxAcademiesInFlightLimit,
                $"Worker:Roster:MaxAcademiesInFlight must be between 1 and {MaxAcademiesInFlightLimit}.")
            .Validate(
                o => !o.EnableRunEndpoint || !string.IsNullOrEmpty(o.RunKey),
                $"The run-now endpoint is enabled but {ConfigurationKeys.RosterRunKey} is not set; the AppHost sets it.")
            .ValidateOnStart();

        builder.Services.AddScoped<TenantRosterWriter>();
        builder.Services.AddSingleton<RosterReportJob>();
        builder.Services.AddSingleton<IRosterRun>(services => services.GetRequiredService<RosterReportJob>());

        if (schedule)
        {
            builder.Services.AddSingleton<RosterScheduler>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RosterScheduler>());
            builder.Services.AddHealthChecks().AddCheck<RosterHealthCheck>("roster-reports");
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(RosterTelemetry.Name))
            .WithMetrics(m => m.AddMeter(RosterTelemetry.Name));
        return builder;
    }

    /// <summary>
    /// "Run now": an internal endpoint for the dashboard command, off outside Development unless enabled,
    /// and only for a caller that sends the run key.
    /// </summary>
    public static WebApplication MapRosterReportsRunNow(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<RosterReportOptions>>().Value.EnableRunEndpoint)
        {
            app.MapPost(ServicePaths.RosterRunNow, RunNow).WithTags("Roster").ProducesProblem(StatusCodes.Status401Unauthorized)
                .WithSummary("Writes today's roster report of every academy now; concurrent calls join one run.");
        }

        return app;
    }

    private static async Task<Results<Ok<RosterRunSummary>, ProblemHttpResult>> RunNow(
        HttpRequest request, RosterScheduler scheduler, IOptions<RosterReportOptions> options, CancellationToken cancellationToken)
    {
        if (!RunKey.Matches(request.Headers[HeaderNames.RunKey], options.Value.RunKey))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized, detail: $"Send the run key in {HeaderNames.RunKey}.");
        }

        return TypedResults.Ok(RosterRunSummary.Of(await scheduler.RunNowAsync(cancellationToken)));
    }
}
