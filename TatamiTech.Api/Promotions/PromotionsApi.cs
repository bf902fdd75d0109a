using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TatamiTech.Data;
using TatamiTech.Data.Promotions;
using TatamiTech.Names;
using TatamiTech.Tenancy.AspNetCore.Authorization;

namespace TatamiTech.Api.Promotions;

/// <summary>
/// A student's belt history. A promotion changes the student's rank and records the step in one
/// transaction; the row references its student by (academy, student), so it can only ever hang on a
/// student of the same academy.
/// </summary>
public static class PromotionsApi
{
    public static IEndpointRouteBuilder MapPromotionsApi(this IEndpointRouteBuilder app)
    {
        var promotions = app.MapGroup("/students/{studentId:guid}/promotions").WithTags("Promotions");

        promotions.MapGet("/", ListPromotions).WithName("ListPromotions").ForAcademyRoles(AcademyRoles.Staff)
            .WithSummary("A student's belt history, oldest first.");
        promotions.MapPost("/", PromoteStudent).WithName("PromoteStudent").ForAcademyRoles(AcademyRoles.Owner, AcademyRoles.Coach)
            .WithSummary("Promotes a student to another belt.");

        return app;
    }

    public static async Task<Results<Ok<List<PromotionResponse>>, NotFound>> ListPromotions(
        Guid studentId, TatamiDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Students.AnyAsync(s => s.Id == studentId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var history = await db.BeltPromotions.AsNoTracking()
            .Where(p => p.StudentId == studentId)
            .OrderBy(p => p.PromotedOn).ThenBy(p => p.CreatedAt).ThenBy(p => p.Id)
            .Select(p => new PromotionResponse(p.Id, p.StudentId, p.FromRank, p.ToRank, p.PromotedOn))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(history);
    }

    public static async Task<Results<Created<PromotionResponse>, NotFound, ValidationProblem>> PromoteStudent(
        Guid studentId, PromotionRequest request, TatamiDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (ValidPromotion.Validate(request, today, out var errors) is not { } valid)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var student = await db.Students.FirstOrDefaultAsync(s => s.Id == studentId, cancellationToken);
        if (student is null)
        {
            return TypedResults.NotFound();
        }

        if (student.BeltRank == valid.ToRank)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["toRank"] = [$"The student already holds the {valid.ToRank} belt."],
            });
        }

        var promotion = db.BeltPromotions.Add(new BeltPromotion
        {
            Id = Guid.CreateVersion7(),
            StudentId = student.Id,
            FromRank = student.BeltRank,
            ToRank = valid.ToRank,
            PromotedOn = valid.PromotedOn,
        }).Entity;
        student.BeltRank = valid.ToRank;

        // One SaveChanges: the new rank and its history row commit together or not at all. A student deleted, or
        // out of the academy's sight, since it was read leaves the rank's UPDATE no row, or the history row no
        // parent: nothing is written, and the student is not found. EF Core sends the INSERT first and logs its
        // foreign key failure, as it logs the race for a taken email.
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException
            || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Created($"/students/{student.Id}/promotions/{promotion.Id}", PromotionResponse.From(promotion));
    }
}
