using System.Net.Http.Json;
using System.Text.Json;
using TatamiTech.Names;

namespace TatamiTech.AppHost;

/// <summary>
/// The API's "Dev token" dashboard command: asks for an academy (the demo ones offered, any slug typed) and a role,
/// and shows a token of that academy and role, minted by the API's own <c>POST /dev/tokens</c> on the academy's host,
/// ready to paste into curl or an <c>.http</c> file.
/// </summary>
internal static class DevTokenCommand
{
    public const string Name = "dev-token";
    public const string AcademyInput = "academy";
    public const string RoleInput = "role";

    public static IResourceBuilder<ProjectResource> WithDevTokenCommand(this IResourceBuilder<ProjectResource> api) =>
        api.WithHttpCommand(
            ServicePaths.DevTokens,
            "Dev token",
            commandName: Name,
            commandOptions: new HttpCommandOptions
            {
                Description = "Mints a one-hour development token of an academy.",
                IconName = "Key",
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = AcademyInput, Label = "Academy", InputType = InputType.Choice, Required = true,
                        Options = [.. DemoAcademySlugs.All.Select(s => KeyValuePair.Create(s, s))],
                        AllowCustomChoice = true, Value = DemoAcademySlugs.GoldenTiger,
                    },
                    new InteractionInput
                    {
                        Name = RoleInput, Label = "Role", InputType = InputType.Choice, Required = true,
                        Options = [.. AcademyRoles.All.Select(r => KeyValuePair.Create(r, r))], Value = AcademyRoles.Owner,
                    },
                ],
                PrepareRequest = context =>
                {
                    // The host names the academy, exactly as for any caller of the API.
                    context.Request.Headers.Host = $"{context.Arguments.GetString(AcademyInput)}.localhost";
                    context.Request.Content = JsonContent.Create(
                        new { subject = "dashboard", role = context.Arguments.GetString(RoleInput) ?? AcademyRoles.Owner });
                    return Task.CompletedTask;
                },
                GetCommandResult = async context =>
                {
                    var academy = context.Arguments.GetString(AcademyInput);
                    if (!context.Response.IsSuccessStatusCode)
                    {
                        // A problem details body says why (no such academy, suspended, over the rate limit).
                        var problem = await context.Response.Content.ReadAsStringAsync(context.CancellationToken);
                        return CommandResults.Failure($"{academy}: {(int)context.Response.StatusCode} {problem}");
                    }

                    var body = await context.Response.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken);
                    var token = body.GetProperty("accessToken").GetString()!;
                    var role = body.GetProperty("role").GetString();
                    return CommandResults.Success($"Token of {academy} ({role})", token, CommandResultFormat.Text, displayImmediately: true);
                },
            });
}
