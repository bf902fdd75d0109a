using System.Net;
using TatamiTech.Tenancy.AspNetCore.RateLimiting;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.RateLimiting;

public sealed class ClientAddressShould
{
    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe")]
    [InlineData("203.0.113.9", "::ffff:203.0.113.9")]
    public void TreatAsOneCaller(string first, string second) =>
        Assert.Equal(ClientAddress.Of(IPAddress.Parse(first)), ClientAddress.Of(IPAddress.Parse(second)));

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1")]
    [InlineData("203.0.113.9", "203.0.113.10")]
    [InlineData("0.0.0.1", "::1")]
    public void TellApart(string first, string second) =>
        Assert.NotEqual(ClientAddress.Of(IPAddress.Parse(first)), ClientAddress.Of(IPAddress.Parse(second)));

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("2001:db8:1:2:abcd::1", "2001:db8:1:2::/64")]
    public void WriteWhatItCharges(string address, string written) =>
        Assert.Equal(written, ClientAddress.Of(IPAddress.Parse(address)).ToString());

    [Fact]
    public void ChargeCallersWithoutAnAddressTogether() =>
        Assert.Equal("unknown", ClientAddress.Of(null).ToString());
}
