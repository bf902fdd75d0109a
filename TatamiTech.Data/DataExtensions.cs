using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TatamiTech.Data.Tenants;
using TatamiTech.Data.Wall;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.Data;

public static class DataExtensions
{
    /// <summary>Seconds to open a connection; Npgsql's 15 s when absent.</summary>
    public const string ConnectTimeoutKey = "Database:ConnectTimeoutSeconds";

    /// <summary>
    /// How many statements each session prepares automatically (Npgsql's <c>Max Auto Prepare</c>), 20 when absent.
    /// 0 turns automatic preparation off, as a pooler in transaction mode without prepared-statement support needs
    /// (PgBouncer before 1.21, or with <c>max_prepared_statements = 0</c>; docs/deploying.md).
    /// </summary>
    public const string MaxAutoPrepareKey = "Database:MaxAutoPrepare";

    /// <summary>Statements each session prepares automatically when <see cref="MaxAutoPrepareKey"/> is absent.</summary>
    public const int DefaultMaxAutoPrepare = 20;

    /// <summary>Database:Retry:MaxRetryCount and :MaxRetryDelay; the defaults are Aspire's.</summary>
    public const string RetrySection = "Database:Retry";

    private static class NpgsqlRetry
    {
        public const int MaxRetryCount = 6;
        public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);
    }

    /// <summary>
    /// The database for a tenant-aware service, on the runtime connection (<see cref="ConnectionNames.Runtime"/>,
    /// role <see cref="DatabaseRoles.Runtime"/>): one Npgsql data source (one pool), the scoped
    /// <see cref="TatamiDbContext"/> with Aspire's health check and tracing, and the tenant directory.
    /// </summary>
    /// <param name="connectionName">The service's own connection: the runtime role's unless the service has a role of its own.</param>
    /// <param name="wallProbeTable">The tenant table the wall's readiness check reads: one that role is granted.</param>
    public static TBuilder AddTatamiData<TBuilder>(
        this TBuilder builder, string connectionName = ConnectionNames.Runtime, string wallProbeTable = TenantWallCheck.DefaultProbeTable)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{connectionName}' is missing. Run the stack through TatamiTech.AppHost, " +
                $"or set {ConfigurationKeys.ConnectionString(connectionName)}.");

        // How long opening a connection may take (Npgsql's default is 15 s): with a server that is down,
        // this and the retries bound how long a request waits before it is answered 503.
        if (builder.Configuration.GetValue<int?>(ConnectTimeoutKey) is { } connectTimeout)
        {
            connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = connectTimeout }.ConnectionString;
        }

        // A session returned to the pool is not reset (no DISCARD ALL before its next use, a statement Postgres
        // paid for on every request): the wall's tenant setting is transaction-local and nothing else here
        // leaves session state behind (advisory locks are transaction-scoped, the change listener unlistens).
        // DatabaseWallShould.LeaveNoTenantOnAConnectionReturnedToThePool holds it. Kept sessions also keep their
        // prepared statements: the hot statements (the tenant's CALL, each query shape) are prepared
        // automatically after a few uses and then skip parsing and planning (MaxAutoPrepareKey turns it off).
        var maxAutoPrepare = builder.Configuration.GetValue(MaxAutoPrepareKey, DefaultMaxAutoPrepare);
        if (maxAutoPrepare < 0)
        {
            throw new InvalidOperationException($"{MaxAutoPrepareKey} must be 0 (off) or more; it is {maxAutoPrepare}.");
        }

        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true, MaxAutoPrepare = maxAutoPrepare }
            .ConnectionString;
        builder.Services.AddNpgsqlDataSource(connectionString);
        builder.Services.AddTenantContext();

        // Npgsql's retrying strategy with bounds each service chooses: a request should give up within
        // seconds (and answer 503), a batch job can afford to wait longer. Aspire's own, unbounded by
        // configuration, is turned off so that it does not replace this one.
        var retry = builder.Configuration.GetSection(RetrySection);
        var maxRetryCount = retry.GetValue(nameof(NpgsqlRetry.MaxRetryCount), NpgsqlRetry.MaxRetryCount);
        var maxRetryDelay = retry.GetValue(nameof(NpgsqlRetry.MaxRetryDelay), NpgsqlRetry.MaxRetryDelay);

        // Pooled: options, services and the context are built once, not per request. A pooled context outlives
        // its scope, so each lease is bound to its scope's tenant context and the context forgets it when
        // returned (TatamiDbContext.Dispose). The scope holds the lease and returns the context when it ends
        // (ScopedContextLease); the factory's own scoped context would go back to the pool on any Dispose.
        builder.Services.AddPooledDbContextFactory<TatamiDbContext>((services, options) => options
            .UseNpgsql(
                services.GetRequiredService<NpgsqlDataSource>(),
                npgsql => npgsql.EnableRetryOnFailure(maxRetryCount, maxRetryDelay, errorCodesToAdd: null))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(TenantWallInterceptor.Instance));
        builder.Services.AddScoped<ScopedContextLease>();
        builder.Services.Replace(ServiceDescriptor.Scoped(services => services.GetRequiredService<ScopedContextLease>().Context));
        builder.EnrichNpgsqlDbContext<TatamiDbContext>(settings => settings.DisableRetry = true);
        builder.Services.AddHostedService<ModelWarmUp>();

        builder.Services.AddSingleton<ITenantDirectory, NpgsqlTenantDirectory>();
        builder.Services.AddTenantWallCheck(wallProbeTable);
        return builder;
    }

    /// <summary>
    /// For a service that caches academies: a listening connection that drops an academy from the caches
    /// as soon as the platform announces a change to it, with a heartbeat bounded by
    /// <see cref="TenantChangeListenerOptions"/> (section <see cref="DirectoryChannel.ListenerSection"/>).
    /// </summary>
    public static TBuilder AddTenantChangeListener<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<TenantChangeListenerOptions>()
            .BindConfiguration(TenantChangeListenerOptions.SectionName)
            .Validate(
                o => o.HeartbeatInterval > TimeSpan.Zero && o.DeadAfter > o.HeartbeatInterval,
                $"{TenantChangeListenerOptions.SectionName}: HeartbeatInterval must be positive and DeadAfter longer than it.")
            .ValidateOnStart();
        builder.Services.AddHostedService<TenantChangeListener>();
        return builder;
    }
}
