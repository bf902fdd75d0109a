using TatamiTech.Data.Wall;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Proxies;
using TatamiTech.Platform;
using TatamiTech.Platform.Academies;
using TatamiTech.Platform.Audit;
using TatamiTech.Platform.Clients;
using TatamiTech.Platform.Invitations;
using TatamiTech.Platform.Operators;
using TatamiTech.Platform.Placement;
using TatamiTech.Platform.Reference;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOperatorAuthentication();
builder.AddPlatformData();
builder.AddDevOperatorTokens();
builder.AddPlatformReference();

var app = builder.Build();

app.UseKnownProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapAcademiesApi();
app.MapPlacementApi();
app.MapClientsApi();
app.MapInvitationsApi();
app.MapAuditApi();
app.MapDevOperatorTokens();
app.MapPlatformReference();

await app.VerifyDatabaseRoleAsync(ConnectionNames.Platform, DatabaseRoles.Platform);
await app.RunAsync();
