using TatamiTech.Tenancy.AspNetCore.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Resolution;

public sealed class TenantHostParserShould
{
    private static readonly string[] s_roots = ["tatamitech.com", "localhost"];

    [Theory]
    [InlineData("goldentiger.tatamitech.com", "goldentiger")]
    [InlineData("GoldenTiger.TatamiTech.COM", "goldentiger")]
    [InlineData("goldentiger.tatamitech.com.", "goldentiger")]
    [InlineData("goldentiger.tatamitech.com:8443", "goldentiger")]
    [InlineData("goldentiger.localhost", "goldentiger")]
    [InlineData("goldentiger.localhost:5080", "goldentiger")]
    [InlineData("iron-crane-2.tatamitech.com", "iron-crane-2")]
    [InlineData("  goldentiger.tatamitech.com  ", "goldentiger")]
    public void ReadTheSlugOfADirectSubdomain(string host, string expected) =>
        Assert.Equal(expected, TenantHostParser.GetSlug(host, s_roots));

    [Theory]
    [InlineData("tatamitech.com")]
    [InlineData("localhost")]
    [InlineData("localhost:5080")]
    [InlineData("a.b.tatamitech.com")]
    [InlineData("goldentiger.ironcrane.tatamitech.com")]
    [InlineData("goldentiger.example.com")]
    [InlineData("goldentigertatamitech.com")]
    [InlineData("goldentiger.tatamitech.com.evil.com")]
    [InlineData("goldentiger.tatamitech.com..")]
    [InlineData(".tatamitech.com")]
    [InlineData("-bad.tatamitech.com")]
    [InlineData("bad-.tatamitech.com")]
    [InlineData("bad_slug.tatamitech.com")]
    [InlineData("b%C3%A4r.tatamitech.com")]
    [InlineData("bär.tatamitech.com")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("[::1]")]
    [InlineData("[::1]:5080")]
    [InlineData("::1")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void NameNoTenantForAnythingElse(string? host) =>
        Assert.Null(TenantHostParser.GetSlug(host, s_roots));

    [Fact]
    public void RejectASlugLongerThanADnsLabel()
    {
        var longLabel = new string('a', TenantSlug.MaxLength + 1);
        Assert.Null(TenantHostParser.GetSlug($"{longLabel}.tatamitech.com", s_roots));
        Assert.Equal(new string('a', TenantSlug.MaxLength), TenantHostParser.GetSlug($"{longLabel[1..]}.tatamitech.com", s_roots));
    }

    [Fact]
    public void IgnoreLocalhostWhenItIsNotAConfiguredRoot() =>
        Assert.Null(TenantHostParser.GetSlug("goldentiger.localhost", ["tatamitech.com"]));

    [Theory]
    [InlineData("x.eu.tatamitech.com", "x")]
    [InlineData("eu.tatamitech.com", "eu")]
    [InlineData("x.tatamitech.com", "x")]
    public void PreferTheLongestMatchingRoot(string host, string expected)
    {
        Assert.Equal(expected, TenantHostParser.GetSlug(host, ["tatamitech.com", "eu.tatamitech.com"]));
        Assert.Equal(expected, TenantHostParser.GetSlug(host, ["eu.tatamitech.com", "tatamitech.com"]));
    }

    [Fact]
    public void NameNoTenantWhenNoRootIsConfigured() =>
        Assert.Null(TenantHostParser.GetSlug("goldentiger.tatamitech.com", []));

    [Fact]
    public void AcceptRootsWrittenWithCapitalsOrATrailingDot() =>
        Assert.Equal("goldentiger", TenantHostParser.GetSlug("goldentiger.tatamitech.com", ["TatamiTech.com."]));
}
