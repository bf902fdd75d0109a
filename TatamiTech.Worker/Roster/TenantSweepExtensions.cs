namespace TatamiTech.Worker.Roster;

public static class TenantSweepExtensions
{
    public static TBuilder AddTenantSweep<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<TenantSweepOptions>().BindConfiguration(TenantSweepOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TenantSweepState>();
        builder.Services.AddHostedService<TenantSweepService>();
        builder.Services.AddHealthChecks().AddCheck<TenantSweepHealthCheck>("tenant-sweep");
        return builder;
    }
}
