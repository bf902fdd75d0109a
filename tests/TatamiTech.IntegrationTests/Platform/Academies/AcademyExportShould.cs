using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TatamiTech.IntegrationTests.Infrastructure;
using TatamiTech.Platform.Academies;

namespace TatamiTech.IntegrationTests.Platform.Academies;

/// <summary>
/// The export below HTTP, with an output the test controls: one that breaks off, one that holds the export
/// half-way while rows are added. The academy is given more rows than the export's write buffer holds, so the
/// first write to the output comes in the middle of the export, not at its end.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class AcademyExportShould(StackFixture stack) : OwnAcademiesTest(stack)
{
    private const int ExtraStudents = 300;

    [Fact]
    public async Task AuditAnExportThatBreaksOffWithTheLinesItGotTo()
    {
        await AddStudentsAsync(ExtraStudents);
        await using var platform = new InProcessPlatform(Stack, environment: "Development");
        var (data, academy) = await ExportOfAlphaAsync(platform);
        using var whole = new MemoryStream();
        await data.ExportAsync(academy, "export-test", whole, CancellationToken.None);
        var total = Encoding.UTF8.GetString(whole.ToArray()).Count(c => c == '\n');

        await Assert.ThrowsAsync<IOException>(() => data.ExportAsync(academy, "export-test", new BrokenStream(), CancellationToken.None));

        var (reason, rowCount) = await LatestExportAuditAsync();
        Assert.StartsWith("Interrupted", reason, StringComparison.Ordinal);
        Assert.InRange(rowCount, 1, total - 1);
    }

    [Fact]
    public async Task ExportOneSnapshotWhateverIsWrittenMeanwhile()
    {
        await AddStudentsAsync(ExtraStudents);
        var promoted = (Guid)(await SqlAsync("SELECT id FROM students WHERE tenant_id = @t ORDER BY id LIMIT 1"))!;
        var (lateStudent, latePromotion) = (Guid.NewGuid(), Guid.NewGuid());
        await using var platform = new InProcessPlatform(Stack, environment: "Development");
        var (data, academy) = await ExportOfAlphaAsync(platform);

        // Half-way through the students, a student and a promotion arrive; the promotions are read after that.
        using var output = new HeldStream(async () =>
        {
            await SqlAsync(
                "INSERT INTO students (id, tenant_id, first_name, last_name, email, belt_rank, created_at) " +
                "VALUES (@s, @t, 'Late', 'Comer', @e, 'white', now()); " +
                "INSERT INTO belt_promotions (id, tenant_id, student_id, from_rank, to_rank, promoted_on) " +
                "VALUES (@p, @t, @promoted, 'white', 'yellow', current_date)",
                ("s", lateStudent), ("e", $"{lateStudent:N}@example.com"), ("p", latePromotion), ("promoted", promoted));
        });
        await data.ExportAsync(academy, "export-test", output, CancellationToken.None);

        var exported = Encoding.UTF8.GetString(output.ToArray());
        Assert.True(output.Held, "The export finished before it was held.");
        Assert.Contains(promoted.ToString(), exported, StringComparison.Ordinal);
        Assert.DoesNotContain(lateStudent.ToString(), exported, StringComparison.Ordinal);
        Assert.DoesNotContain(latePromotion.ToString(), exported, StringComparison.Ordinal);
    }

    private async Task<(AcademyData Data, AcademyResponse Academy)> ExportOfAlphaAsync(InProcessPlatform platform)
    {
        var academy = await platform.Services.GetRequiredService<AcademyStore>().FindAsync(Alpha.Slug, CancellationToken.None);
        return (platform.Services.GetRequiredService<AcademyData>(), academy!);
    }

    private Task AddStudentsAsync(int count) => SqlAsync(
        "INSERT INTO students (id, tenant_id, first_name, last_name, email, belt_rank, created_at) " +
        "SELECT gen_random_uuid(), @t, 'Bulk', 'Student ' || n, gen_random_uuid()::text || '@example.com', 'white', now() " +
        "FROM generate_series(1, @n) n",
        ("n", count));

    private async Task<(string Reason, long RowCount)> LatestExportAuditAsync()
    {
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT reason, row_count FROM platform_audit WHERE academy_id = @t AND action = 'export' ORDER BY id DESC LIMIT 1",
            connection);
        command.Parameters.AddWithValue("t", Alpha.Id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "No export was audited.");
        return (reader.IsDBNull(0) ? "" : reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>Owner's SQL in Alpha (<c>@t</c>), past the wall: the first value it returns, if any.</summary>
    private async Task<object?> SqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Stack.OwnerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", Alpha.Id);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>A client gone: every write fails.</summary>
    private sealed class BrokenStream : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("The client went away.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("The client went away."));
    }

    /// <summary>Runs <paramref name="meanwhile"/> before the first write is taken, then keeps what is written.</summary>
    private sealed class HeldStream(Func<Task> meanwhile) : MemoryStream
    {
        public bool Held { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!Held)
            {
                Held = true;
                await meanwhile();
            }

            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
