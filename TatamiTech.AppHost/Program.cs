using Microsoft.Extensions.Configuration;
using TatamiTech.AppHost;
using TatamiTech.AppHost.Identity;
using TatamiTech.AppHost.Postgres;
using TatamiTech.Names;

var builder = DistributedApplication.CreateBuilder(args);

var database = builder.AddTatamiDatabase();
var tokens = new TokenValidation(builder);
var workerRunKey = builder.AddParameter(
    ResourceNames.WorkerRunKey,
    new GenerateParameterDefault { MinLength = 32, Special = false },
    secret: true,
    persist: true);

// Only the one-shot migration service sees the owner; the API and the Worker run as the runtime role.
var migrations = builder.AddService<Projects.TatamiTech_MigrationService>(ResourceNames.Migrations)
    .WithReference(database.Owner)
    .WithReference(database.Runtime)
    .WithReference(database.Platform)
    .WithReference(database.Identity)
    .WithDemoMembers()
    .WaitFor(database.Owner);

// Signs every academy's tokens, on that academy's host.
var identity = builder.AddIdentityService(database, migrations, tokens);

builder.AddService<Projects.TatamiTech_Api>(ResourceNames.Api)
    .WithReplicas(builder.Configuration.GetValue(ConfigurationKeys.ApiReplicas, 1))
    .WithReference(database.Runtime)
    .WaitForCompletion(migrations)
    .WithAcademyTokens(tokens, identity)
    .WithHealthProbes()
    .WithAcademyLinks()
    .WithDevTokenCommand();

builder.AddService<Projects.TatamiTech_Worker>(ResourceNames.Worker)
    .WithReference(database.Runtime)
    .WaitForCompletion(migrations)
    .WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.RosterRunKey), workerRunKey)
    .WithHealthProbes()
    .WithReferenceLink("worker: API reference")
    .WithHttpCommand(
        ServicePaths.RosterRunNow,
        "Run roster reports now",
        commandOptions: new HttpCommandOptions
        {
            Description = "Writes (or refreshes) today's roster report of every academy.",
            IconName = "Play",
            // The endpoint answers only callers with the key; the dashboard is one.
            PrepareRequest = async context => context.Request.Headers.Add(
                HeaderNames.RunKey, await workerRunKey.Resource.GetValueAsync(context.CancellationToken)),
        });

// The only process that writes the academy directory, as its own role; operators call it.
builder.AddService<Projects.TatamiTech_Platform>(ResourceNames.Platform)
    .WithReference(database.Platform)
    .WaitForCompletion(migrations)
    .WithOperatorTokens(tokens)
    .WithHealthProbes()
    .WithReferenceLink("platform: API reference")
    .WithNewAcademyCommand(identity);

builder.Build().Run();
