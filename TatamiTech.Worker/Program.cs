using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.Worker.Roster;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTatamiData();
builder.AddRosterReports();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRosterReportsRunNow();

await app.VerifyRuntimeRoleAsync();
await app.RunAsync();
