namespace TatamiTech.UnitTests.Data.Wall;

/// <summary>
/// Sessions go back to the pool without a reset, so the tenant setting must end with its transaction: no product
/// code sends SQL that sets a session-level value (SET app.…, SET SESSION, set_config(…, false), RESET), and only the
/// wall's builder and the migrations that define its procedure name the academy's setting at all. Checked on the
/// compiled assemblies of every product project (the migrations' SQL is in TatamiTech.Data's).
/// </summary>
public sealed class SessionStateShould
{
    /// <summary>
    /// The wall's one builder, the migrations that create and replace app_set_tenant, and the body that replaces it
    /// on Citus (DistributedWall: its SET LOCAL is transaction-local).
    /// </summary>
    private static readonly HashSet<string> s_wall =
    [
        "TatamiTech.Data.Wall.TenantSetting",
        "TatamiTech.Data.Migrations.DatabaseWall",
        "TatamiTech.Data.Migrations.WallFastPath",
        "TatamiTech.MigrationService.Distribution.DistributedWall",
    ];

    /// <summary>Reviewed: projects whose SQL never runs in an academy's session.</summary>
    private static readonly string[] s_notScanned =
    [
        // Creates the server's cluster and databases before anything is migrated; it serves no academy.
        "TatamiTech.AppHost",
        "TatamiTech.Hosting.LocalPostgres",
    ];

    [Fact]
    public void FindNoSessionLevelSettingInTheProduct()
    {
        var findings = ProductAssemblies().SelectMany(path => SessionStateScan.Scan(path, s_wall)).ToList();

        Assert.True(findings.Count == 0, string.Join(Environment.NewLine, findings));
    }

    [Fact]
    public void ScanEveryProductProject()
    {
        var root = RepositoryRoot();
        var projects = Directory.GetFiles(root, "TatamiTech.*.csproj", SearchOption.AllDirectories)
            .Where(p => Path.GetDirectoryName(Path.GetDirectoryName(p)) == root)
            .Select(Path.GetFileNameWithoutExtension)
            .Except(s_notScanned);

        Assert.Equal(projects.Order(), ProductAssemblies().Select(Path.GetFileNameWithoutExtension).Order());
    }

    [Theory]
    [InlineData(nameof(CarelessCode.SetsTheAcademyForTheSession), "SET app.")]
    [InlineData(nameof(CarelessCode.SetsTheAcademyThroughAConstant), "SET app.")]
    [InlineData(nameof(CarelessCode.SetsTheAcademyOutsideTheBuilder), "SET app.")]
    [InlineData(nameof(CarelessCode.SetsSessionCharacteristics), "SET SESSION")]
    [InlineData(nameof(CarelessCode.CallsSetConfigForTheSession), "set_config(..., false)")]
    [InlineData(nameof(CarelessCode.CallsSetConfigWithAHiddenScope), "set_config('app....')")]
    [InlineData(nameof(CarelessCode.ResetsTheAcademy), "RESET")]
    [InlineData(nameof(CarelessCode.ResetsEverything), "RESET")]
    public void CatchACarelessStatement(string member, string rule)
    {
        var findings = SessionStateScan.Scan(typeof(SessionStateShould).Assembly.Location, s_wall)
            .Where(f => f.Type == typeof(SessionStateShould).FullName)
            .ToList();

        Assert.Contains(findings, f => f.Member == member && f.Rule == rule);
    }

    [Fact]
    public void LeaveTheWallsOwnBuilderAndOrdinaryStatementsAlone()
    {
        var findings = SessionStateScan.Scan(typeof(SessionStateShould).Assembly.Location, s_wall).ToList();

        Assert.DoesNotContain(findings, f => f.Member == nameof(CarelessCode.SetsTransactionLocalSettings));
        Assert.Empty(SessionStateScan.Broken("UPDATE students SET first_name = $1 WHERE id = $2"));
        Assert.Empty(SessionStateScan.Broken("SELECT set_config('synchronous_commit', 'off', true)"));
        Assert.Empty(SessionStateScan.Broken("CALL app_set_tenant($1)"));
        Assert.Empty(SessionStateScan.Broken("No Reset On Close=true"));
        Assert.NotEmpty(SessionStateScan.Broken("SELECT 1; reset app.tenant_id"));
    }

    /// <summary>Bad examples, compiled into this assembly for the scan to find.</summary>
    private static class CarelessCode
    {
        private const string Setting = "app.tenant_id";

        public static string SetsTheAcademyForTheSession(Guid academy) => $"SET app.tenant_id = '{academy}'";

        public static string SetsTheAcademyThroughAConstant() => "SET " + Setting + " = DEFAULT";

        public static string SetsTheAcademyOutsideTheBuilder(Guid academy) => $"SET LOCAL app.tenant_id = '{academy}'";

        public static string SetsSessionCharacteristics() => "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE";

        public static string CallsSetConfigForTheSession(Guid academy) =>
            $"SELECT set_config('{Setting}', coalesce('{academy}', ''), false)";

        public static string CallsSetConfigWithAHiddenScope(Guid academy, bool local) =>
            $"SELECT set_config('app.tenant_id', '{academy}', {local})";

        public static string ResetsTheAcademy() => "RESET app.tenant_id";

        public static string ResetsEverything() => "SELECT 1;\nRESET ALL";

        public static string SetsTransactionLocalSettings() =>
            "SELECT set_config('statement_timeout', '5s', true); SET LOCAL lock_timeout = '1s'";
    }

    private static IEnumerable<string> ProductAssemblies()
    {
        var tests = typeof(SessionStateShould).Assembly.GetName().Name;
        var found = Directory.GetFiles(AppContext.BaseDirectory, "TatamiTech.*.dll")
            .Where(p => Path.GetFileNameWithoutExtension(p) != tests)
            .ToList();
        Assert.NotEmpty(found);
        return found;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TatamiTech.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository's root was not found above the test's directory.");
    }
}
