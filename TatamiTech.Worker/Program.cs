using TatamiTech.Data;
using TatamiTech.ServiceDefaults.Tenancy;
using TatamiTech.Worker.Roster;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTenantContext();
builder.AddTatamiData();
builder.AddRosterReports();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRosterReportsRunNow();

await app.RunAsync();
