using TatamiTech.Data.Students;

namespace TatamiTech.Api.Students;

public sealed record StudentResponse(
    Guid Id,
    string FirstName,
    string LastName,
    string Email,
    string BeltRank,
    DateTimeOffset CreatedAt)
{
    public static StudentResponse From(Student student) => new(
        student.Id, student.FirstName, student.LastName, student.Email, student.BeltRank, student.CreatedAt);
}
