using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TatamiTech.Names;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// Each secret the AppHost generates (passwords, signing keys, the worker's run key) is generated on the first run
/// and kept in the AppHost's user secrets, so that the next run uses the same value (a kept cluster's owner, tokens
/// minted before a restart).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GeneratedSecretsShould
{
    [Fact]
    public async Task GenerateEachSecretOnceAndReadItFromUserSecretsOnTheNextRun()
    {
        // The user-secrets store is found under HOME: an empty one of the test's own, never the developer's.
        var home = Directory.CreateTempSubdirectory("tatamitech-home-").FullName;
        var developersHome = Environment.GetEnvironmentVariable("HOME");
        Environment.SetEnvironmentVariable("HOME", home);
        try
        {
            var first = await SecretsOfARunAsync();
            var store = Path.Combine(home, ".microsoft", "usersecrets", "tatamitech-apphost", "secrets.json");
            Assert.True(File.Exists(store), "The first run kept nothing in user secrets.");
            var kept = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(store))!;

            var next = await SecretsOfARunAsync();

            Assert.Equal(
                [
                    ResourceNames.DemoMemberPassword, ResourceNames.IdentityEncryptionKey, ResourceNames.IdentitySigningKey,
                    ResourceNames.JwtSigningKey, ResourceNames.PlatformSigningKey, ResourceNames.IdentityRolePassword,
                    ResourceNames.PlatformRolePassword, ResourceNames.RuntimeRolePassword, ResourceNames.WorkerRunKey,
                ],
                first.Keys.Order(StringComparer.Ordinal));
            Assert.All(first, secret =>
            {
                Assert.Equal(secret.Value, kept[$"Parameters:{secret.Key}"]);
                Assert.Equal(secret.Value, next[secret.Key]);
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("HOME", developersHome);
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>The value of every generated secret parameter of a run's model, by name.</summary>
    private static async Task<Dictionary<string, string>> SecretsOfARunAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local"], timeout.Token);
        var secrets = new Dictionary<string, string>();
        foreach (var parameter in builder.Resources.OfType<ParameterResource>().Where(p => p.Secret && p.Default is not null))
        {
            secrets[parameter.Name] = await parameter.GetValueAsync(timeout.Token) ?? throw new InvalidOperationException(parameter.Name);
        }

        return secrets;
    }
}
