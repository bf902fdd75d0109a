using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using TatamiTech.Platform.Academies;

namespace TatamiTech.Platform.Placement;

/// <summary>
/// Where academies' rows live on a distributed database, for operators: the nodes, one academy's placement, and the
/// two steps for a big academy (a shard of its own, then a node of its own). On one server each answers 409.
/// </summary>
public static class PlacementApi
{
    private const string NotDistributed =
        "The database is not distributed: every academy lives on its one server (Postgres:Mode=citus runs a cluster).";

    public static WebApplication MapPlacementApi(this WebApplication app)
    {
        var placement = app.MapGroup("/").WithTags("Placement").ProducesProblem(StatusCodes.Status409Conflict);
        placement.MapGet("/nodes", Nodes).WithName("ListNodes").WithSummary("The database nodes that hold academies' rows.");
        placement.MapGet("/academies/{slug}/placement", Get).WithName("GetAcademyPlacement")
            .WithSummary("The shard and node that hold an academy's rows.");
        placement.MapPost("/academies/{slug}/isolate", Isolate).WithName("IsolateAcademy")
            .WithSummary("Gives an academy a shard of its own, while it keeps working.");
        placement.MapPost("/academies/{slug}/move", Move).WithName("MoveAcademy")
            .WithSummary("Moves an isolated academy's shard to a node, while it keeps working.");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<DatabaseNode>>, ProblemHttpResult>> Nodes(PlacementStore store, CancellationToken ct) =>
        await store.IsDistributedAsync(ct) ? TypedResults.Ok(await store.NodesAsync(ct)) : Conflict(NotDistributed);

    public static async Task<Results<Ok<AcademyPlacement>, NotFound, ProblemHttpResult>> Get(
        string slug, AcademyStore academies, PlacementStore store, CancellationToken ct)
    {
        if (await academies.FindAsync(slug, ct) is not { } academy)
        {
            return TypedResults.NotFound();
        }

        return await store.IsDistributedAsync(ct) ? TypedResults.Ok(await store.GetAsync(academy, ct)) : Conflict(NotDistributed);
    }

    public static async Task<Results<Ok<AcademyPlacement>, NotFound, ProblemHttpResult>> Isolate(
        string slug, AcademyStore academies, PlacementStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await academies.FindAsync(slug, ct) is not { } academy)
        {
            return TypedResults.NotFound();
        }

        if (!await store.IsDistributedAsync(ct))
        {
            return Conflict(NotDistributed);
        }

        try
        {
            return TypedResults.Ok(await store.IsolateAsync(academy, AcademiesApi.Operator(user), ct));
        }
        catch (PostgresException e) when (IsBusy(e))
        {
            return Conflict(Busy(e.MessageText));
        }
        catch (PlacementBusyException e)
        {
            return Conflict(Busy(e.Message));
        }
    }

    public static async Task<Results<Ok<AcademyPlacement>, NotFound, ValidationProblem, ProblemHttpResult>> Move(
        string slug, MoveAcademyRequest request, AcademyStore academies, PlacementStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await academies.FindAsync(slug, ct) is not { } academy)
        {
            return TypedResults.NotFound();
        }

        if (!await store.IsDistributedAsync(ct))
        {
            return Conflict(NotDistributed);
        }

        var nodes = await store.NodesAsync(ct);
        if (!nodes.Any(n => n.Id == request.NodeId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["nodeId"] = [$"One of the nodes that hold academies' rows: {string.Join(", ", nodes.Select(n => n.Id))}."],
            });
        }

        var current = await store.GetAsync(academy, ct);
        if (!current.Isolated)
        {
            // Its shard holds other academies too: moving it would move them, which is the rebalancer's work.
            return Conflict($"The academy '{slug}' shares its shard: isolate it first (POST /academies/{slug}/isolate).");
        }

        try
        {
            return TypedResults.Ok(await store.MoveAsync(academy, current, request.NodeId!.Value, AcademiesApi.Operator(user), ct));
        }
        catch (PostgresException e) when (IsBusy(e))
        {
            return Conflict(Busy(e.MessageText));
        }
        catch (PlacementBusyException e)
        {
            return Conflict(Busy(e.Message));
        }
    }

    /// <summary>
    /// Another shard operation holds the shard (Citus takes an advisory lock per shard move or split), or the
    /// shard is in a state that refuses one now: the operator may try again.
    /// </summary>
    private static bool IsBusy(PostgresException e) => e.SqlState.StartsWith("55", StringComparison.Ordinal);

    private static string Busy(string why) => $"The shard is busy with another operation; try again later ({why}).";

    private static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: detail);
}
