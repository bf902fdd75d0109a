using TatamiTech.Api.Database;
using TatamiTech.Api.DevTokens;
using TatamiTech.Api.Promotions;
using TatamiTech.Api.Reference;
using TatamiTech.Api.Reports;
using TatamiTech.Api.Students;
using TatamiTech.Data;
using TatamiTech.Data.Wall;
using TatamiTech.ServiceDefaults.Proxies;
using TatamiTech.Tenancy.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTenancy();
builder.AddTatamiData();
builder.AddTenantChangeListener();
builder.AddDatabaseOutageProblems();
builder.AddDevTokens();
builder.AddApiReference();

var app = builder.Build();

app.UseKnownProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseTenancy();

app.MapDefaultEndpoints();
app.MapStudentsApi();
app.MapPromotionsApi();
app.MapRosterReportsApi();
app.MapDevTokensApi();
app.MapApiReference();

await app.VerifyRuntimeRoleAsync();
await app.RunAsync();
