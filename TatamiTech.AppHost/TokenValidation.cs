using TatamiTech.Names;

namespace TatamiTech.AppHost;

/// <summary>
/// Where the services' bearer tokens come from. Academy tokens come from the identity service: the API validates them
/// through its issuer (OIDC discovery, published ES256 keys), which is the identity service's own address on a local run
/// and, in a published model, the public URL the operator gives as <see cref="ResourceNames.OidcAuthority"/>. A local run
/// also keeps each service's development HS256 key beside it, for the development token endpoints; a published model
/// has no such key at all.
/// </summary>
internal sealed class TokenValidation(IDistributedApplicationBuilder builder)
{
    private readonly IResourceBuilder<ParameterResource>? _publishedAuthority =
        builder.ExecutionContext.IsPublishMode ? builder.AddParameter(ResourceNames.OidcAuthority) : null;

    /// <summary>The issuer the identity service names and every service validates against.</summary>
    public ReferenceExpression Issuer(IResourceBuilder<ProjectResource> identity) => _publishedAuthority is { } authority
        ? ReferenceExpression.Create($"{authority.Resource}")
        : ReferenceExpression.Create($"{identity.GetEndpoint("http")}");

    /// <summary>Tokens of the identity service, and on a local run also those of the development key.</summary>
    public IResourceBuilder<ProjectResource> FromIdentity(
        IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource> identity, string developmentKeyName)
    {
        service.WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.JwtAuthority), Issuer(identity));
        return _publishedAuthority is null ? WithDevelopmentKey(service, developmentKeyName).WaitFor(identity) : service;
    }

    /// <summary>
    /// Tokens of the development key on a local run; of the published authority in a published model (operator tokens,
    /// until the identity service issues them).
    /// </summary>
    public IResourceBuilder<ProjectResource> FromDevelopmentKey(IResourceBuilder<ProjectResource> service, string developmentKeyName) =>
        _publishedAuthority is { } authority
            ? service.WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.JwtAuthority), authority)
            : WithDevelopmentKey(service, developmentKeyName);

    private IResourceBuilder<ProjectResource> WithDevelopmentKey(IResourceBuilder<ProjectResource> service, string developmentKeyName)
    {
        var key = builder.AddParameter(
            developmentKeyName, new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);
        return service.WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.JwtSigningKey), key);
    }
}

internal static class TokenValidationExtensions
{
    /// <summary>Academy tokens: the identity service's (and the development key's on a local run).</summary>
    public static IResourceBuilder<ProjectResource> WithAcademyTokens(
        this IResourceBuilder<ProjectResource> service, TokenValidation tokens, IResourceBuilder<ProjectResource> identity) =>
        tokens.FromIdentity(service, identity, ResourceNames.JwtSigningKey);

    /// <summary>Operator tokens: a key of their own on a local run, so that academy tokens never pass.</summary>
    public static IResourceBuilder<ProjectResource> WithOperatorTokens(
        this IResourceBuilder<ProjectResource> service, TokenValidation tokens) =>
        tokens.FromDevelopmentKey(service, ResourceNames.PlatformSigningKey);
}
