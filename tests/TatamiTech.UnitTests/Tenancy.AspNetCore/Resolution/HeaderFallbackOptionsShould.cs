using System.Net;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Resolution;

/// <summary>Whose X-Tenant header is believed: callers on the configured networks, and nobody else.</summary>
public sealed class HeaderFallbackOptionsShould
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("203.0.113.7")]
    public void TrustNobodyWhenNoNetworkIsConfigured(string caller) =>
        Assert.False(new HeaderFallbackOptions().Trusts(IPAddress.Parse(caller)));

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("fd00::5")]
    public void TrustACallerInsideAConfiguredNetwork(string caller) =>
        Assert.True(Internal().Trusts(IPAddress.Parse(caller)));

    [Theory]
    [InlineData("11.0.0.1")]
    [InlineData("::ffff:192.0.2.1")]
    [InlineData("127.0.0.1")]
    [InlineData("fe80::1")]
    public void TrustNoCallerOutsideTheConfiguredNetworks(string caller) =>
        Assert.False(Internal().Trusts(IPAddress.Parse(caller)));

    [Fact]
    public void TrustNoCallerWithoutAnAddress() => Assert.False(Internal().Trusts(null));

    private static HeaderFallbackOptions Internal() => new() { TrustedNetworks = ["10.0.0.0/8", "fd00::/8"] };
}
