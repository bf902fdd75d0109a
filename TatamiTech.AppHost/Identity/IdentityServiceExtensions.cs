using TatamiTech.AppHost.Postgres;
using TatamiTech.Names;

namespace TatamiTech.AppHost.Identity;

internal static class IdentityServiceExtensions
{
    /// <summary>
    /// The identity service: its own database role, its signing and encryption keys as secret parameters, and the issuer
    /// its tokens name (<see cref="TokenValidation.Issuer"/>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddIdentityService(
        this IDistributedApplicationBuilder builder,
        TatamiDatabase database,
        IResourceBuilder<ProjectResource> migrations,
        TokenValidation tokens)
    {
        var signingKey = builder.ExecutionContext.IsPublishMode
            ? builder.AddParameter(ResourceNames.IdentitySigningKey, secret: true)
            : builder.AddParameter(ResourceNames.IdentitySigningKey, new SigningKeyDefault(), secret: true, persist: true);
        var encryptionKey = builder.AddParameter(
            ResourceNames.IdentityEncryptionKey,
            new GenerateParameterDefault { MinLength = 48, Special = false },
            secret: true,
            persist: true);

        var identity = builder.AddService<Projects.TatamiTech_Identity>(ResourceNames.Identity)
            .WithReference(database.Identity)
            .WaitForCompletion(migrations)
            .WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.IdentitySigningKey), signingKey)
            .WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.IdentityEncryptionKey), encryptionKey)
            .WithHealthProbes();
        return identity.WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.IdentityIssuer), tokens.Issuer(identity));
    }
}
