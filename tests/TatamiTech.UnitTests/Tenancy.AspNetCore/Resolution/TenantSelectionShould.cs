using Microsoft.Extensions.Primitives;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy.AspNetCore.Resolution;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Resolution;

public sealed class TenantSelectionShould
{
    [Fact]
    public void UseTheHostTenantWhenNoHeaderIsSent()
    {
        var selection = TenantSelection.Select("goldentiger", StringValues.Empty, headerTrusted: true);
        Assert.Equal("goldentiger", selection.Slug);
        Assert.Null(selection.Rejection);
        Assert.False(selection.FromHeader);
    }

    [Fact]
    public void AcceptAHeaderThatAgreesWithTheHost() =>
        Assert.Equal("goldentiger", TenantSelection.Select("goldentiger", "GoldenTiger", headerTrusted: true).Slug);

    [Theory]
    [InlineData("ironcrane")]
    [InlineData("not a slug")]
    [InlineData("")]
    public void RejectAHeaderThatDisagreesWithTheHost(string header)
    {
        var selection = TenantSelection.Select("goldentiger", new StringValues(header == "" ? [" "] : [header]), headerTrusted: true);
        Assert.Equal(TenantRejectionReason.HeaderConflict, selection.Rejection);
        Assert.Null(selection.Slug);
    }

    [Fact]
    public void RejectTwoHeaderValuesEvenIfOneAgrees() =>
        Assert.Equal(
            TenantRejectionReason.HeaderConflict,
            TenantSelection.Select("goldentiger", new StringValues(["goldentiger", "ironcrane"]), headerTrusted: true).Rejection);

    [Fact]
    public void NeverLetTheHeaderOverrideTheHostFromAnUntrustedCaller()
    {
        var selection = TenantSelection.Select("goldentiger", "ironcrane", headerTrusted: false);
        Assert.Equal("goldentiger", selection.Slug);
        Assert.Null(selection.Rejection);
    }

    [Fact]
    public void UseTheHeaderOnlyWhenTheHostNamesNoTenantAndTheCallerIsTrusted()
    {
        var selection = TenantSelection.Select(null, "IronCrane", headerTrusted: true);
        Assert.Equal("ironcrane", selection.Slug);
        Assert.True(selection.FromHeader);
    }

    [Fact]
    public void IgnoreTheHeaderFromAnUntrustedCaller() =>
        Assert.Equal(
            TenantRejectionReason.NoTenantInHost,
            TenantSelection.Select(null, "ironcrane", headerTrusted: false).Rejection);

    [Theory]
    [InlineData("iron crane")]
    [InlineData("-ironcrane")]
    [InlineData("iron.crane")]
    public void RejectAMalformedHeaderWhenTheHostNamesNoTenant(string header) =>
        Assert.Equal(
            TenantRejectionReason.NoTenantInHost,
            TenantSelection.Select(null, header, headerTrusted: true).Rejection);

    [Fact]
    public void RejectARequestThatNamesNoTenantAnywhere() =>
        Assert.Equal(
            TenantRejectionReason.NoTenantInHost,
            TenantSelection.Select(null, StringValues.Empty, headerTrusted: true).Rejection);
}
