using System.Text.Json;
using TatamiTech.Api.Students;

namespace TatamiTech.UnitTests.Api.Students;

public sealed class ValidStudentShould
{
    private static readonly StudentRequest s_valid = new()
    {
        FirstName = " Aiko ",
        LastName = "Tanaka",
        Email = "Aiko.Tanaka@Example.com",
        BeltRank = "Black",
    };

    [Fact]
    public void NormalizeAValidRequest()
    {
        var valid = ValidStudent.Validate(s_valid, out var errors);
        Assert.Empty(errors);
        Assert.Equal(new ValidStudent("Aiko", "Tanaka", "aiko.tanaka@example.com", "black"), valid);
    }

    [Fact]
    public void ReportEveryMissingField()
    {
        Assert.Null(ValidStudent.Validate(new StudentRequest(), out var errors));
        Assert.Equal(["beltRank", "email", "firstName", "lastName"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("two words@example.com")]
    [InlineData("Name <name@example.com>")]
    public void RejectABadEmail(string email)
    {
        Assert.Null(ValidStudent.Validate(s_valid with { Email = email }, out var errors));
        Assert.Contains("email", errors.Keys);
    }

    [Fact]
    public void RejectAnUnknownBeltRank()
    {
        Assert.Null(ValidStudent.Validate(s_valid with { BeltRank = "rainbow" }, out var errors));
        Assert.Contains("beltRank", errors.Keys);
    }

    [Fact]
    public void RejectOverLongText()
    {
        Assert.Null(ValidStudent.Validate(s_valid with { FirstName = new string('x', ValidStudent.NameMaxLength + 1) }, out var errors));
        Assert.Contains("firstName", errors.Keys);
    }

    [Fact]
    public void RejectATenantIdInTheBody()
    {
        var request = JsonSerializer.Deserialize<StudentRequest>(
            """
            {"firstName":"A","lastName":"B","email":"a@example.com","beltRank":"white","tenantId":"2c9e7b13-5a4f-4d6e-8b20-7e3c1f9a5d02"}
            """,
            JsonSerializerOptions.Web)!;
        Assert.Null(ValidStudent.Validate(request, out var errors));
        Assert.Equal(["tenantId"], errors.Keys);
    }
}
