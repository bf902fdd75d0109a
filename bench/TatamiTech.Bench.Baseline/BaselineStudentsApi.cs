using Microsoft.EntityFrameworkCore;

namespace TatamiTech.Bench.Baseline;

public static class BaselineStudentsApi
{
    /// <summary>
    /// The same page as the API's GET /students (order, projection, total in the same query), for a
    /// tenant named in the query string: what the endpoint costs without any tenancy around it.
    /// </summary>
    public static IEndpointRouteBuilder MapBaselineStudents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/students", ListStudents);
        return app;
    }

    public static async Task<IResult> ListStudents(
        BaselineDbContext db,
        Guid tenant,
        int? page,
        int? pageSize,
        CancellationToken cancellationToken)
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
                Student = new BaselineStudent(s.Id, s.FirstName, s.LastName, s.Email, s.BeltRank, s.CreatedAt),
                Total = query.Count(),
            })
            .ToListAsync(cancellationToken);
        var total = rows.Count > 0 ? rows[0].Total : await query.CountAsync(cancellationToken);
        return TypedResults.Ok(new BaselinePage([.. rows.Select(r => r.Student)], pageNumber, size, total));
    }
}

public sealed record BaselineStudent(Guid Id, string FirstName, string LastName, string Email, string BeltRank, DateTimeOffset CreatedAt);

public sealed record BaselinePage(IReadOnlyList<BaselineStudent> Items, int Page, int PageSize, int TotalCount);
