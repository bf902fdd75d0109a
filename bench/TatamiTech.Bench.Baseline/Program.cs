using Microsoft.EntityFrameworkCore;
using Npgsql;
using TatamiTech.Bench.Baseline;
using TatamiTech.Names;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddNpgsqlDataSource(builder.Configuration.GetConnectionString(ConnectionNames.Runtime)
    ?? throw new InvalidOperationException($"{ConfigurationKeys.ConnectionString(ConnectionNames.Runtime)} is missing."));
builder.Services.AddDbContext<BaselineDbContext>((services, options) => options
    .UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.EnableRetryOnFailure(2, TimeSpan.FromSeconds(1), null))
    .UseSnakeCaseNamingConvention());
builder.EnrichNpgsqlDbContext<BaselineDbContext>(settings => settings.DisableRetry = true);

var app = builder.Build();

app.UseRouting();
app.MapDefaultEndpoints();
app.MapBaselineStudents();

await app.RunAsync();
