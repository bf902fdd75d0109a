using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Data.Tenants;
using TatamiTech.Data.Wall;
using TatamiTech.ServiceDefaults.Tenancy;

namespace TatamiTech.Data;

public static class DataExtensions
{
    /// <summary>The runtime connection (role <see cref="DatabaseWall.RuntimeRole"/>) the AppHost gives the API and the Worker.</summary>
    public const string ConnectionName = "tatamidb";

    /// <summary>The schema owner's connection, given only to the API, used only to migrate at start.</summary>
    public const string MigrationConnectionName = "tatamidb-migrations";

    /// <summary>Seconds to open a connection; Npgsql's 15 s when absent.</summary>
    public const string ConnectTimeoutKey = "Database:ConnectTimeoutSeconds";

    /// <summary>Database:Retry:MaxRetryCount and :MaxRetryDelay; the defaults are Aspire's.</summary>
    public const string RetrySection = "Database:Retry";

    private static class NpgsqlRetry
    {
        public const int MaxRetryCount = 6;
        public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    }

    /// <summary>
    /// The database for a tenant-aware service: one Npgsql data source (one pool), the scoped
    /// <see cref="TatamiDbContext"/> with Aspire's retries, health check and tracing, and the tenant directory.
    /// </summary>
    public static TBuilder AddTatamiData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{ConnectionName}' is missing. Run the stack through TatamiTech.AppHost, or set ConnectionStrings:{ConnectionName}.");

        // How long opening a connection may take (Npgsql's default is 15 s): with a server that is down,
        // this and the retries bound how long a request waits before it is answered 503.
        if (builder.Configuration.GetValue<int?>(ConnectTimeoutKey) is { } connectTimeout)
        {
            connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = connectTimeout }.ConnectionString;
        }

        builder.Services.AddNpgsqlDataSource(connectionString);

        // Npgsql's retrying strategy with bounds each service chooses: a request should give up within
        // seconds (and answer 503), a batch job can afford to wait longer. Aspire's own, unbounded by
        // configuration, is turned off so that it does not replace this one.
        var retry = builder.Configuration.GetSection(RetrySection);
        var maxRetryCount = retry.GetValue(nameof(NpgsqlRetry.MaxRetryCount), NpgsqlRetry.MaxRetryCount);
        var maxRetryDelay = retry.GetValue(nameof(NpgsqlRetry.MaxRetryDelay), NpgsqlRetry.MaxRetryDelay);

        // Not AddDbContextPool: a pooled context outlives its scope and would carry one tenant into another.
        builder.Services.AddDbContext<TatamiDbContext>((services, options) => options
            .UseNpgsql(
                services.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.EnableRetryOnFailure(maxRetryCount, maxRetryDelay, errorCodesToAdd: null))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(TenantWallInterceptor.Instance));
        builder.EnrichNpgsqlDbContext<TatamiDbContext>(settings => settings.DisableRetry = true);

        builder.Services.AddSingleton<ITenantDirectory, NpgsqlTenantDirectory>();
        return builder;
    }
}
