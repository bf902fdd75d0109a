using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Students;
using TatamiTech.Names;
using TatamiTech.ServiceDefaults.Paging;
using TatamiTech.Tenancy.AspNetCore.Authorization;

namespace TatamiTech.Api.Students;

/// <summary>
/// The academy's roster. No handler sees a tenant id: the pipeline binds the request to its tenant and
/// the DbContext's filters and guard keep every query and write inside it.
/// </summary>
public static class StudentsApi
{
    public static IEndpointRouteBuilder MapStudentsApi(this IEndpointRouteBuilder app)
    {
        var students = app.MapGroup("/students").WithTags("Students");

        students.MapGet("/", ListStudents).WithName("ListStudents").ForAcademyRoles(AcademyRoles.Staff)
            .WithSummary("The academy's students, by last name, a page at a time; q searches names and emails.");
        students.MapGet("/{id:guid}", GetStudent).WithName("GetStudent").ForAcademyRoles(AcademyRoles.Staff)
            .WithSummary("One student of the academy.");
        students.MapPost("/", CreateStudent).WithName("CreateStudent").ForAcademyRoles(AcademyRoles.Staff)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Enrolls a student; an email is used once per academy (409).");
        students.MapPut("/{id:guid}", UpdateStudent).WithName("UpdateStudent").ForAcademyRoles(AcademyRoles.Staff)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replaces a student's details.");
        students.MapDelete("/{id:guid}", DeleteStudent).WithName("DeleteStudent")
            .ForAcademyRoles(AcademyRoles.Owner, AcademyRoles.Coach)
            .WithSummary("Removes a student and its promotions.");

        return app;
    }

    public static async Task<Results<Ok<StudentPage>, ValidationProblem>> ListStudents(
        TatamiDbContext db,
        [Range(1, PageRequest.MaxNumber)] int? page,
        [Range(1, PageRequest.MaxSize)] int? pageSize,
        [StringLength(ValidStudent.EmailMaxLength)] string? q,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        PageRequest.TryCreate(page, pageSize, errors, out var paging);
        if (q is { Length: > ValidStudent.EmailMaxLength })
        {
            errors["q"] = [$"At most {ValidStudent.EmailMaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Students.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + EscapeLike(q.Trim()) + "%";
            query = query.Where(s =>
                EF.Functions.ILike(s.FirstName, pattern, "\\")
                || EF.Functions.ILike(s.LastName, pattern, "\\")
                || EF.Functions.ILike(s.Email, pattern, "\\"));
        }

        // The total rides along as an uncorrelated subquery (computed once): one round trip per page.
        var rows = await query
            .OrderBy(s => s.LastName).ThenBy(s => s.FirstName).ThenBy(s => s.Id)
            .Skip(paging.Offset)
            .Take(paging.Size)
            .Select(s => new
            {
                Student = new StudentResponse(s.Id, s.FirstName, s.LastName, s.Email, s.BeltRank, s.CreatedAt),
                Total = query.Count(),
            })
            .ToListAsync(cancellationToken);

        // Past the last page no row carries the total; only then is it asked for on its own.
        var total = rows.Count > 0 ? rows[0].Total : await query.CountAsync(cancellationToken);
        return TypedResults.Ok(new StudentPage([.. rows.Select(r => r.Student)], paging.Number, paging.Size, total));
    }

    public static async Task<Results<Ok<StudentResponse>, NotFound>> GetStudent(
        Guid id, TatamiDbContext db, CancellationToken cancellationToken)
    {
        var student = await db.Students.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return student is null ? TypedResults.NotFound() : TypedResults.Ok(StudentResponse.From(student));
    }

    public static async Task<Results<Created<StudentResponse>, ValidationProblem, ProblemHttpResult>> CreateStudent(
        StudentRequest request, TatamiDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (ValidStudent.Validate(request, out var errors) is not { } valid)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await EmailTakenAsync(db, valid.Email, exceptStudent: null, cancellationToken))
        {
            return DuplicateEmail();
        }

        var student = new Student
        {
            Id = Guid.CreateVersion7(),
            FirstName = valid.FirstName,
            LastName = valid.LastName,
            Email = valid.Email,
            BeltRank = valid.BeltRank,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Students.Add(student);

        if (!await TrySaveAsync(db, cancellationToken))
        {
            return DuplicateEmail();
        }

        return TypedResults.Created($"/students/{student.Id}", StudentResponse.From(student));
    }

    public static async Task<Results<Ok<StudentResponse>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateStudent(
        Guid id, StudentRequest request, TatamiDbContext db, CancellationToken cancellationToken)
    {
        if (ValidStudent.Validate(request, out var errors) is not { } valid)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var student = await db.Students.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (student is null)
        {
            return TypedResults.NotFound();
        }

        if (await EmailTakenAsync(db, valid.Email, exceptStudent: id, cancellationToken))
        {
            return DuplicateEmail();
        }

        student.FirstName = valid.FirstName;
        student.LastName = valid.LastName;
        student.Email = valid.Email;
        student.BeltRank = valid.BeltRank;

        try
        {
            if (!await TrySaveAsync(db, cancellationToken))
            {
                return DuplicateEmail();
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            // The UPDATE reached no row: the student was deleted, or is no longer the academy's (row-level
            // security filtered it out), since it was read. Either way it is not there to update.
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(StudentResponse.From(student));
    }

    public static async Task<Results<NoContent, NotFound>> DeleteStudent(
        Guid id, TatamiDbContext db, CancellationToken cancellationToken)
    {
        // The tenant filter applies to ExecuteDelete too: another academy's id deletes nothing.
        var deleted = await db.Students.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
    }

    /// <summary>
    /// A taken email is an expected answer (409), so it is asked for before writing: the save would otherwise
    /// fail through EF, which logs the failed command as an error and marks the trace red.
    /// </summary>
    private static Task<bool> EmailTakenAsync(
        TatamiDbContext db, string email, Guid? exceptStudent, CancellationToken cancellationToken) =>
        db.Students.AnyAsync(s => s.Email == email && s.Id != exceptStudent, cancellationToken);

    /// <summary>
    /// Saves; the unique index stays the last word for two writers racing for one email, which then is
    /// still a 409 (and the one case EF logs).
    /// </summary>
    /// <returns><c>false</c> when the email is already used by another student of this academy.</returns>
    private static async Task<bool> TrySaveAsync(TatamiDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex)
            when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: EmailIndex })
        {
            return false;
        }
    }

    /// <summary>Only this index means "email taken"; any other unique violation is a real error.</summary>
    private const string EmailIndex = "ix_students_tenant_id_email";

    private static ProblemHttpResult DuplicateEmail() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Email already in use",
        detail: "Another student of this academy already uses this email.");

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
