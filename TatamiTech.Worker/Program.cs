using TatamiTech.Data;
using TatamiTech.ServiceDefaults.Tenancy;
using TatamiTech.Worker.Roster;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTenantContext();
builder.AddTatamiData();
builder.AddTenantSweep();

var app = builder.Build();

app.MapDefaultEndpoints();

await app.RunAsync();
