using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Aspire.Hosting.ApplicationModel;
using TatamiTech.IntegrationTests.Infrastructure;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// A stack of its own whose local Postgres server writes every statement it runs (<c>log_statement = all</c>) to a
/// log file in its data directory, where a test can read what a start left in the server's log.
/// </summary>
public sealed class LoggedStatementsStackFixture : StackFixture
{
    public override int ApiReplicaCount => 1;

    protected override IEnumerable<string> ExtraArguments => ["--Postgres:Mode=local"];

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var server = builder.Resources.OfType<LocalPostgresServerResource>().Single();
        builder.CreateResourceBuilder(server).WithArgs("-c", "log_statement=all", "-c", "logging_collector=on");
    }

    /// <summary>Everything the server has logged so far (log_directory is "log" under the data directory).</summary>
    public async Task<string> ReadServerLogAsync()
    {
        var pidFile = Directory.GetFiles(DataRoot, "postmaster.pid", SearchOption.AllDirectories).Single();
        var files = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(pidFile)!, "log")).Order(StringComparer.Ordinal);
        var log = new System.Text.StringBuilder();
        foreach (var file in files)
        {
            // The server is still writing to it.
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            log.Append(await reader.ReadToEndAsync());
        }

        return log.ToString();
    }
}

[CollectionDefinition(Name)]
public sealed class LoggedStatementsCollection : ICollectionFixture<LoggedStatementsStackFixture>
{
    public const string Name = "logged statements";
}
