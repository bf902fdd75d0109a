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

    /// <summary>
    /// The database for a tenant-aware service: one Npgsql data source (one pool), the scoped
    /// <see cref="TatamiDbContext"/> with Aspire's retries, health check and tracing, and the tenant directory.
    /// </summary>
    public static TBuilder AddTatamiData<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{ConnectionName}' is missing. Run the stack through TatamiTech.AppHost, or set ConnectionStrings:{ConnectionName}.");

        builder.Services.AddNpgsqlDataSource(connectionString);

        // Not AddDbContextPool: a pooled context outlives its scope and would carry one tenant into another.
        builder.Services.AddDbContext<TatamiDbContext>((services, options) => options
            .UseNpgsql(services.GetRequiredService<NpgsqlDataSource>())
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(TenantWallInterceptor.Instance));
        builder.EnrichNpgsqlDbContext<TatamiDbContext>();

        builder.Services.AddSingleton<ITenantDirectory, NpgsqlTenantDirectory>();
        return builder;
    }
}
