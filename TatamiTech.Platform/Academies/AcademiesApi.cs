using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TatamiTech.Data.Tenants;
using TatamiTech.ServiceDefaults.Paging;
using TatamiTech.Tenancy.AspNetCore.Authentication;

namespace TatamiTech.Platform.Academies;

/// <summary>The academy lifecycle, for platform operators: provision, list, look up, suspend, resume.</summary>
public static class AcademiesApi
{
    public const int MaxReasonLength = 500;
    public const string ExportContentType = "application/x-ndjson";

    public static WebApplication MapAcademiesApi(this WebApplication app)
    {
        var academies = app.MapGroup("/academies").WithTags("Academies");
        academies.MapPost("/", Create).WithName("CreateAcademy").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Provisions an academy, served on its subdomain at once.");
        academies.MapGet("/", List).WithName("ListAcademies").WithSummary("The academies, optionally by status.");
        academies.MapGet("/{slug}", Get).WithName("GetAcademy").WithSummary("One academy.");
        academies.MapPost("/{slug}/suspend", Suspend).WithName("SuspendAcademy").WithSummary("Suspends an academy: its users get 403.");
        academies.MapPost("/{slug}/resume", Resume).WithName("ResumeAcademy").WithSummary("Resumes a suspended academy.");
        academies.MapGet("/{slug}/export", Export).WithName("ExportAcademy")
            .WithSummary("All of an academy's data as NDJSON; the audit records the export and its line count.")
            .Produces(StatusCodes.Status200OK, contentType: ExportContentType);
        academies.MapDelete("/{slug}", Erase).WithName("EraseAcademy").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Erases a suspended academy and all its data.");
        return app;
    }

    public static async Task<Results<Created<ProvisionedAcademyResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateAcademyRequest request,
        AcademyRules rules,
        AcademyStore store,
        ClaimsPrincipal user,
        TimeProvider clock,
        CancellationToken ct)
    {
        var errors = rules.Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var academy = await store.CreateAsync(request, Operator(user), clock.GetUtcNow(), ct);
        return academy is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"The slug '{request.Slug}' is taken.")
            : TypedResults.Created($"/academies/{academy.Slug}", academy);
    }

    public static async Task<Results<Ok<AcademyPage>, ValidationProblem>> List(
        AcademyStore store,
        CancellationToken ct,
        string? status = null,
        [Range(1, PageRequest.MaxNumber)] int? page = null,
        [Range(1, PageRequest.MaxSize)] int? pageSize = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not (null or TenantStatuses.Active or TenantStatuses.Suspended))
        {
            errors["status"] = [$"'{TenantStatuses.Active}' or '{TenantStatuses.Suspended}'."];
        }

        PageRequest.TryCreate(page, pageSize, errors, out var paging);
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await store.ListAsync(status, paging, ct));
    }

    public static async Task<Results<Ok<AcademyResponse>, NotFound>> Get(string slug, AcademyStore store, CancellationToken ct) =>
        await store.FindAsync(slug, ct) is { } academy ? TypedResults.Ok(academy) : TypedResults.NotFound();

    public static async Task<Results<Ok<AcademyResponse>, NotFound, ValidationProblem>> Suspend(
        string slug, SuspendAcademyRequest request, AcademyStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxReasonLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reason"] = [$"Required, at most {MaxReasonLength} characters: it is recorded in the audit."],
            });
        }

        var (academy, _) = await store.SetStatusAsync(slug, TenantStatuses.Suspended, reason, Operator(user), ct);
        return academy is null ? TypedResults.NotFound() : TypedResults.Ok(academy);
    }

    public static async Task<Results<Ok<AcademyResponse>, NotFound>> Resume(
        string slug, AcademyStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var (academy, _) = await store.SetStatusAsync(slug, TenantStatuses.Active, reason: null, Operator(user), ct);
        return academy is null ? TypedResults.NotFound() : TypedResults.Ok(academy);
    }

    public static async Task<Results<PushStreamHttpResult, NotFound>> Export(
        string slug, AcademyStore store, AcademyData data, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await store.FindAsync(slug, ct) is not { } academy)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Stream(
            stream => data.ExportAsync(academy, Operator(user), stream, ct), ExportContentType, $"{slug}.ndjson");
    }

    public static async Task<Results<Ok<IReadOnlyDictionary<string, int>>, NotFound, ProblemHttpResult>> Erase(
        string slug, AcademyData data, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = await data.EraseAsync(slug, Operator(user), ct);
        return result.Outcome switch
        {
            ErasureOutcome.Erased => TypedResults.Ok(result.Deleted!),
            ErasureOutcome.NotFound => TypedResults.NotFound(),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict, detail: "Only a suspended academy can be erased: suspend it first."),
        };
    }

    internal static string Operator(ClaimsPrincipal user) => user.FindFirst(TatamiClaims.Subject)?.Value ?? "unknown";
}
