namespace TatamiTech.Api.Students;

public sealed record StudentPage(IReadOnlyList<StudentResponse> Items, int Page, int PageSize, int TotalCount);
