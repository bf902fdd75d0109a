using TatamiTech.Data.Students;
using TatamiTech.ServiceDefaults.OpenApi;

namespace TatamiTech.Api.Students;

public sealed record StudentResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string Email,
    [property: AllowedValuesFrom(typeof(BeltRanks), nameof(BeltRanks.All))] string BeltRank,
    DateTimeOffset CreatedAt)
{
    public static StudentResponse From(Student student) => new(
        student.Id, student.FirstName, student.LastName, student.Email, student.BeltRank, student.CreatedAt);
}
