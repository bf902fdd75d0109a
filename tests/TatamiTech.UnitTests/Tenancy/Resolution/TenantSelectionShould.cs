using Microsoft.Extensions.Primitives;
using TatamiTech.ServiceDefaults.Tenancy.Observability;
using TatamiTech.ServiceDefaults.Tenancy.Resolution;
using TatamiTech.Tenancy;

namespace TatamiTech.UnitTests.Tenancy.Resolution;

public sealed class TenantSelectionShould
{
    [Fact]
    public void UseTheHostTenantWhenNoHeaderIsSent()
    {
        var selection = TenantSelection.Select("goldentiger", StringValues.Empty, allowHeaderFallback: true);
        Assert.Equal("goldentiger", selection.Slug);
        Assert.Null(selection.Rejection);
        Assert.False(selection.FromHeader);
    }

    [Fact]
    public void AcceptAHeaderThatAgreesWithTheHost() =>
        Assert.Equal("goldentiger", TenantSelection.Select("goldentiger", "GoldenTiger", allowHeaderFallback: true).Slug);

    [Theory]
    [InlineData("ironcrane")]
    [InlineData("not a slug")]
    [InlineData("")]
    public void RejectAHeaderThatDisagreesWithTheHost(string header)
    {
        var selection = TenantSelection.Select("goldentiger", new StringValues(header == "" ? [" "] : [header]), allowHeaderFallback: true);
        Assert.Equal(TenantRejectionReason.HeaderConflict, selection.Rejection);
        Assert.Null(selection.Slug);
    }

    [Fact]
    public void RejectTwoHeaderValuesEvenIfOneAgrees() =>
        Assert.Equal(
            TenantRejectionReason.HeaderConflict,
            TenantSelection.Select("goldentiger", new StringValues(["goldentiger", "ironcrane"]), allowHeaderFallback: true).Rejection);

    [Fact]
    public void NeverLetTheHeaderOverrideTheHostWhenFallbackIsOff()
    {
        var selection = TenantSelection.Select("goldentiger", "ironcrane", allowHeaderFallback: false);
        Assert.Equal("goldentiger", selection.Slug);
        Assert.Null(selection.Rejection);
    }

    [Fact]
    public void UseTheHeaderOnlyWhenTheHostNamesNoTenantAndFallbackIsOn()
    {
        var selection = TenantSelection.Select(null, "IronCrane", allowHeaderFallback: true);
        Assert.Equal("ironcrane", selection.Slug);
        Assert.True(selection.FromHeader);
    }

    [Fact]
    public void IgnoreTheHeaderWhenFallbackIsOff() =>
        Assert.Equal(
            TenantRejectionReason.NoTenantInHost,
            TenantSelection.Select(null, "ironcrane", allowHeaderFallback: false).Rejection);

    [Theory]
    [InlineData("iron crane")]
    [InlineData("-ironcrane")]
    [InlineData("iron.crane")]
    public void RejectAMalformedHeaderWhenTheHostNamesNoTenant(string header) =>
        Assert.Equal(
            TenantRejectionReason.NoTenantInHost,
            TenantSelection.Select(null, header, allowHeaderFallback: true).Rejection);

    [Fact]
    public void RejectARequestThatNamesNoTenantAnywhere() =>
        Assert.Equal(
            TenantRejectionReason.NoTenantInHost,
            TenantSelection.Select(null, StringValues.Empty, allowHeaderFallback: true).Rejection);
}
