using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TatamiTech.Bench.Infrastructure;
using TatamiTech.Names;
using TatamiTech.Tenancy;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Bench.Scenarios;

/// <summary>
/// The academy lifecycle as an operator drives it, with the platform service and the API as processes of
/// their own: how long from "create" to the academy's first 200 on the API, from "suspend" to its first 403,
/// and how much the platform's memory grows while exporting an academy of 100,000 students.
/// </summary>
internal static class Lifecycle
{
    private const string PlatformKey = "bench-platform-signing-key-of-at-least-32-bytes";
    private const string PlatformAudience = "tatamitech-platform";

    private static readonly HttpClient s_client = new();

    public static async Task RunAsync(BenchPostgres postgres, ServiceProcess api, BenchOptions options, Report report)
    {
        report.Section("8. Academy lifecycle", "Operator actions through the platform service, seen by the API process.");
        await using var platform = await ServiceProcess.StartAsync("TatamiTech.Platform", new Dictionary<string, string>
        {
            [ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.ConnectionString(ConnectionNames.Platform))] =
                postgres.PlatformConnectionString(),
            [ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.JwtSigningKey)] = PlatformKey,
            ["Jwt__AllowSymmetricKey"] = "true",
        }, ServicePaths.Health);
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken());

        var rounds = options.Quick ? 10 : 30;
        var provisioning = new List<double>();
        var suspension = new List<double>();
        // Round -1 warms both services up (JIT, connection pools) and is not counted.
        for (var i = -1; i < rounds; i++)
        {
            var slug = $"lc{Guid.NewGuid():N}"[..14];
            var clock = Stopwatch.StartNew();
            using var created = await client.PostAsJsonAsync(
                new Uri(platform.Address, "/academies"), new { slug, name = "Bench Dojo", timeZone = "UTC" });
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var tenant = new TenantInfo(id, slug, "Bench Dojo");
            await UntilAsync(api, tenant, HttpStatusCode.OK);
            var provisioned = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            using var suspended = await client.PostAsJsonAsync(
                new Uri(platform.Address, $"/academies/{slug}/suspend"), new { reason = "bench" });
            suspended.EnsureSuccessStatusCode();
            await UntilAsync(api, tenant, HttpStatusCode.Forbidden);
            if (i >= 0)
            {
                provisioning.Add(provisioned);
                suspension.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        provisioning.Sort();
        suspension.Sort();
        report.Row("create to first 200 on the API (p50 / p99)",
            $"{Report.F(Stats.Percentile(provisioning, 50))} / {Report.F(Stats.Percentile(provisioning, 99))} ms",
            $"{rounds} academies; the API had not seen them before (one directory query after the announcement)");
        report.Row("suspend to first 403 on the API (p50 / p99)",
            $"{Report.F(Stats.Percentile(suspension, 50))} / {Report.F(Stats.Percentile(suspension, 99))} ms",
            "the API had the academy cached as active: the announcement alone drops it");

        await ExportAsync(postgres, platform, client, options.Quick ? 20_000 : 100_000, report);
        report.EndSection();
    }

    private static async Task ExportAsync(BenchPostgres postgres, ServiceProcess platform, HttpClient client, int students, Report report)
    {
        var academy = (await BenchTenants.CreateAsync(postgres, "tatamidb", "exp", 1, students))[0];
        var before = platform.Memory();
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(
            new Uri(platform.Address, $"/academies/{academy.Slug}/export"), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        long lines = 0;
        await using (var stream = await response.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }

        var after = platform.Memory();
        var growthMb = (after.PeakKb - before.PeakKb) / 1024.0;
        var pass = lines == students && growthMb < 50;
        report.Row($"export of an academy of {students:N0} students", pass ? "PASS" : "FAIL",
            $"{lines:N0} lines in {Report.F(clock.Elapsed.TotalSeconds)} s; platform peak memory {before.PeakKb / 1024} MB before, " +
            $"{after.PeakKb / 1024} MB after (growth {Report.F(growthMb)} MB, bound 50 MB)");
        if (!pass)
        {
            BenchOutcome.Failed = true;
        }
    }

    private static async Task UntilAsync(ServiceProcess api, TenantInfo tenant, HttpStatusCode expected)
    {
        var token = BenchTenants.Token(tenant);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(api.Address, "/students?pageSize=1"));
            request.Headers.Host = BenchTenants.Host(tenant);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await s_client.SendAsync(request);
            if (response.StatusCode == expected)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(40))
            {
                throw new InvalidOperationException($"{tenant.Slug}: still {(int)response.StatusCode}, expected {(int)expected}.");
            }

            await Task.Delay(5);
        }
    }

    private static string OperatorToken()
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = new JwtOptions().Issuer,
            Audience = PlatformAudience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(2),
            Subject = new ClaimsIdentity(
                [new Claim(TatamiClaims.Subject, "bench"), new Claim(TatamiClaims.Role, TatamiClaims.PlatformOperatorRole)]),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(PlatformKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
