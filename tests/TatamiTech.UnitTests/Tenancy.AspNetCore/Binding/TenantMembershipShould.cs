using TatamiTech.Tenancy.AspNetCore.Binding;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Binding;

public sealed class TenantMembershipShould
{
    private static readonly Guid s_academy = Guid.Parse("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b");

    [Fact]
    public void AcceptTheIdInLowerCaseWithHyphens() =>
        Assert.True(TenantMembership.IsCanonical("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b", s_academy));

    [Theory]
    [InlineData("6F1C2A9E-3B4D-4E5F-8A7B-9C0D1E2F3A4B")]
    [InlineData(" 6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b")]
    [InlineData("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b ")]
    [InlineData("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b\t")]
    [InlineData("{6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b}")]
    [InlineData("6f1c2a9e3b4d4e5f8a7b9c0d1e2f3a4b")]
    [InlineData("0x6f1c2a9e3b4d4e5f8a7b9c0d1e2f3a4b")]
    [InlineData("6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4c")]
    [InlineData("")]
    public void RefuseAnyOtherSpelling(string value) => Assert.False(TenantMembership.IsCanonical(value, s_academy));
}
