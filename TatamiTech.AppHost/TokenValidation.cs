using TatamiTech.Names;

namespace TatamiTech.AppHost;

/// <summary>
/// Where a service's bearer tokens come from. Run locally, each service checks HS256 tokens against a key
/// generated once (its dev token endpoint mints with it). Published, tokens come from the identity
/// provider: the services get its authority (OIDC discovery, RS256 keys) and no key exists at all.
/// </summary>
internal sealed class TokenValidation(IDistributedApplicationBuilder builder)
{
    private IResourceBuilder<ParameterResource>? _authority;

    /// <param name="developmentKeyName">The parameter holding this service's development key.</param>
    public IResourceBuilder<ParameterResource> For(string developmentKeyName)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return _authority ??= builder.AddParameter(ResourceNames.OidcAuthority);
        }

        return builder.AddParameter(
            developmentKeyName, new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);
    }

    public string VariableName => ConfigurationKeys.EnvironmentVariable(
        builder.ExecutionContext.IsPublishMode ? ConfigurationKeys.JwtAuthority : ConfigurationKeys.JwtSigningKey);
}
