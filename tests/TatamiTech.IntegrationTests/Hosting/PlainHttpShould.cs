// HttpsCertificateAnnotation is experimental: it is what WithoutHttpsCertificate leaves on a resource.
#pragma warning disable ASPIRECERTIFICATES001
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace TatamiTech.IntegrationTests.Hosting;

/// <summary>
/// Every service serves plain HTTP and asks for no certificate, so a machine without a trusted development
/// certificate opens the dashboard without its "No trusted development certificate" banner.
/// </summary>
public sealed class PlainHttpShould
{
    [Fact]
    public async Task ServeEveryServiceOverHttpWithoutACertificate()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TatamiTech_AppHost>(
            ["--Postgres:Mode=local"], timeout.Token);

        var services = builder.Resources.OfType<ProjectResource>().ToList();
        var endpoints = services.SelectMany(s => s.Annotations.OfType<EndpointAnnotation>()).ToList();
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.Equal("http", endpoint.UriScheme));

        // Without a certificate of its own or the development one, the AppHost looks for no trusted certificate.
        Assert.All(services, service =>
        {
            var certificate = Assert.Single(service.Annotations.OfType<HttpsCertificateAnnotation>());
            Assert.False(certificate.UseDeveloperCertificate, service.Name);
            Assert.Null(certificate.Certificate);
        });
    }
}
