using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TatamiTech.Data.Identity;
using TatamiTech.Names;
using TatamiTech.Platform.Academies;

namespace TatamiTech.Platform.Clients;

/// <summary>
/// An academy's integrations, for operators: register one (its secret is shown once), list them, revoke one. A
/// client gets tokens of its academy only, on its academy's host, from the identity service.
/// </summary>
public static class ClientsApi
{
    public static WebApplication MapClientsApi(this WebApplication app)
    {
        var clients = app.MapGroup("/academies/{slug}/clients").WithTags("Integrations");
        clients.MapPost("/", Register).WithName("RegisterClient")
            .WithSummary("Registers an integration of the academy; the answer holds its secret, shown this once.");
        clients.MapGet("/", List).WithName("ListClients").WithSummary("The academy's integrations, without secrets.");
        clients.MapDelete("/{clientId}", Revoke).WithName("RevokeClient")
            .WithSummary("Revokes an integration: it gets no more tokens; those it holds end at their expiry.");
        return app;
    }

    public static async Task<Results<Created<RegisteredClientResponse>, NotFound, ValidationProblem>> Register(
        string slug, RegisterClientRequest request, ClientStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(name) || name.Length > AcademyClientLimits.DisplayNameLength)
        {
            errors["name"] = [$"Required, at most {AcademyClientLimits.DisplayNameLength} characters."];
        }

        if (!AcademyRoles.IsKnown(request.Role))
        {
            errors["role"] = [$"One of: {string.Join(", ", AcademyRoles.All)}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await store.RegisterAsync(slug, name!, request.Role!, AcademiesApi.Operator(user), ct) is { } client
            ? TypedResults.Created($"/academies/{slug}/clients/{client.ClientId}", client)
            : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<IReadOnlyList<ClientResponse>>, NotFound>> List(
        string slug, ClientStore store, CancellationToken ct) =>
        await store.ListAsync(slug, ct) is { } clients ? TypedResults.Ok(clients) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> Revoke(
        string slug, string clientId, ClientStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.RevokeAsync(slug, clientId, AcademiesApi.Operator(user), ct) is true
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
}
