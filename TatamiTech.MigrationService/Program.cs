using Microsoft.Extensions.Hosting;
using TatamiTech.Data;
using TatamiTech.MigrationService;
using TatamiTech.ServiceDefaults.Tenancy;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddTenantContext();
builder.AddTatamiData();

using var host = builder.Build();

return await host.RunMigrationsAsync();
