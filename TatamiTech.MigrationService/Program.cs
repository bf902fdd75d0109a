using Microsoft.Extensions.Hosting;
using TatamiTech.Data;
using TatamiTech.MigrationService;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddTatamiData();

using var host = builder.Build();

return await host.RunMigrationsAsync();
