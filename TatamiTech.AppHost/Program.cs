using TatamiTech.AppHost;
using TatamiTech.AppHost.Postgres;

var builder = DistributedApplication.CreateBuilder(args);

var database = builder.AddTatamiDatabase();
var jwtSigningKey = builder.AddParameter(
    ResourceNames.JwtSigningKey,
    new GenerateParameterDefault { MinLength = 48, Special = false },
    secret: true,
    persist: true);

// The API migrates as the owner and serves as the runtime role; the Worker never sees the owner.
var api = builder.AddProject<Projects.TatamiTech_Api>(ResourceNames.Api)
    .WithReference(database.Owner, ServiceConnectionNames.Migrations)
    .WithReference(database.Runtime, ServiceConnectionNames.Runtime)
    .WaitFor(database.Owner)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.TatamiTech_Worker>(ResourceNames.Worker)
    .WithReference(database.Runtime, ServiceConnectionNames.Runtime)
    .WaitFor(database.Owner)
    // The API owns migrations: the worker starts on a migrated schema.
    .WaitFor(api)
    .WithHttpHealthCheck("/health")
    .WithHttpCommand(
        "/jobs/roster-reports/run",
        "Run roster reports now",
        commandOptions: new HttpCommandOptions
        {
            Description = "Writes (or refreshes) today's roster report of every academy.",
            IconName = "Play",
        });

builder.Build().Run();
