using Microsoft.EntityFrameworkCore;

namespace TatamiTech.Bench.BareEf;

public static class BareStudentsApi
{
    /// <summary>
    /// The API's GET /students page (order, projection, total in the same query) for the academy in the query string.
    /// Written out again on purpose, beside the baseline's: the anchor shares no code with the product or its bench.
    /// </summary>
    public static async Task<IResult> ListStudents(BareDbContext db, Guid tenant, int? page, int? pageSize, CancellationToken ct)
    {
        var pageNumber = page ?? 1;
        var size = pageSize ?? 20;
        var query = db.Students.AsNoTracking().Where(s => s.TenantId == tenant);
        var rows = await query
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName).ThenBy(s => s.Id)
            .Skip((pageNumber - 1) * size)
            .Take(size)
            .Select(s => new
            {
                Student = new StudentRow(s.Id, s.FirstName, s.LastName, s.Email, s.BeltRank, s.CreatedAt),
                Total = query.Count(),
            })
            .ToListAsync(ct);
        var total = rows.Count > 0 ? rows[0].Total : await query.CountAsync(ct);
        return TypedResults.Ok(new StudentsPage([.. rows.Select(r => r.Student)], pageNumber, size, total));
    }
}

public sealed record StudentRow(Guid Id, string FirstName, string LastName, string Email, string BeltRank, DateTimeOffset CreatedAt);

public sealed record StudentsPage(IReadOnlyList<StudentRow> Items, int Page, int PageSize, int TotalCount);
