using Microsoft.EntityFrameworkCore;
using TatamiTech.Bench.BareEf;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddDbContextPool<BareDbContext>(options => options
    .UseNpgsql(builder.Configuration.GetConnectionString("students")
        ?? throw new InvalidOperationException("ConnectionStrings:students is missing."))
    .UseSnakeCaseNamingConvention());

var app = builder.Build();

app.MapGet("/alive", () => "ok");
app.MapGet("/students", BareStudentsApi.ListStudents);

await app.RunAsync();
