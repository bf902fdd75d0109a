using TatamiTech.Data;
using TatamiTech.Data.Identity;
using TatamiTech.Data.Wall;
using TatamiTech.Identity;
using TatamiTech.Identity.Hosts;
using TatamiTech.Identity.Invitations;
using TatamiTech.Identity.SignIn;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Proxies;
using TatamiTech.Tenancy.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAcademyResolution();
builder.AddTatamiData(ConnectionNames.Identity, wallProbeTable: AcademyClient.TableName);
builder.AddTenantChangeListener();
builder.AddIdentityServer();

var app = builder.Build();

app.UseKnownProxies();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseAcademyHosts();
app.UseAuthentication();   // OpenIddict answers its endpoints here, inside the academy's context

app.MapDefaultEndpoints();
app.MapAuthorizeEndpoints();
app.MapInvitationEndpoints();

await app.VerifyDatabaseRoleAsync(ConnectionNames.Identity, DatabaseRoles.Identity);
await app.RunAsync();
