using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.OpenApi;
using TatamiTech.Worker.Roster;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTatamiData();
builder.AddRosterReports();
builder.AddApiDocument(document =>
{
    document.Title = "TatamiTech worker (internal)";
    document.Description = $"The roster worker's one operation, for the dashboard's command: send the run key in `{HeaderNames.RunKey}`.";
});

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRosterReportsRunNow();
app.MapApiDocument();

await app.VerifyRuntimeRoleAsync();
await app.RunAsync();
