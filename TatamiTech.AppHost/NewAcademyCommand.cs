using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TatamiTech.Names;

namespace TatamiTech.AppHost;

/// <summary>
/// The platform's "New academy" dashboard command: the dashboard asks for slug, name and time zone and the
/// command posts them to <c>POST /academies</c> with a development operator token, as an operator's curl
/// would. On 201 the result is the owner's invitation link (the identity service on the new academy's host), shown at
/// once; a 400/409 problem is the failure's message.
/// </summary>
internal static class NewAcademyCommand
{
    public const string Name = "new-academy";
    public const string SlugInput = "slug";
    public const string NameInput = "name";
    public const string TimeZoneInput = "timeZone";

    private static readonly HttpClient s_tokens = new();

    public static IResourceBuilder<ProjectResource> WithNewAcademyCommand(
        this IResourceBuilder<ProjectResource> platform, IResourceBuilder<ProjectResource> identity) =>
        platform.WithHttpCommand(
            "/academies",
            "New academy",
            commandName: Name,
            commandOptions: new HttpCommandOptions
            {
                Description = "Provisions an academy: it is served on {slug}.localhost at once.",
                IconName = "Add",
                Arguments =
                [
                    new InteractionInput { Name = SlugInput, Label = "Slug", InputType = InputType.Text, Required = true,
                        Placeholder = "bluecrane", MaxLength = 63 },
                    new InteractionInput { Name = NameInput, Label = "Name", InputType = InputType.Text, Required = true,
                        Placeholder = "Blue Crane Dojo", MaxLength = 200 },
                    new InteractionInput { Name = TimeZoneInput, Label = "Time zone (IANA)", InputType = InputType.Text, Required = true,
                        Value = "UTC" },
                ],
                PrepareRequest = async context =>
                {
                    context.Request.Content = JsonContent.Create(new
                    {
                        slug = context.Arguments.GetString(SlugInput),
                        name = context.Arguments.GetString(NameInput),
                        timeZone = context.Arguments.GetString(TimeZoneInput),
                    });
                    var token = await OperatorTokenAsync(new Uri(context.Endpoint.Url), context.CancellationToken);
                    context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                },
                GetCommandResult = async context =>
                {
                    var slug = context.Arguments.GetString(SlugInput);
                    if (!context.Response.IsSuccessStatusCode)
                    {
                        var problem = await context.Response.Content.ReadAsStringAsync(context.CancellationToken);
                        return CommandResults.Failure($"{slug}: {(int)context.Response.StatusCode} {problem}");
                    }

                    var body = await context.Response.Content.ReadFromJsonAsync<JsonElement>(context.CancellationToken);
                    var path = body.GetProperty("ownerInvitation").GetProperty("path").GetString();
                    var link = $"http://{slug}.localhost:{identity.GetEndpoint("http").Port}{path}";
                    return CommandResults.Success(
                        $"{slug} created; its owner joins at", link, CommandResultFormat.Text, displayImmediately: true);
                },
            });

    /// <summary>A development operator token from the platform itself (its signing key never leaves it).</summary>
    private static async Task<string> OperatorTokenAsync(Uri platform, CancellationToken cancellationToken)
    {
        using var response = await s_tokens.PostAsJsonAsync(
            new Uri(platform, ServicePaths.DevOperatorTokens), new { subject = "dashboard" }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return body.GetProperty("accessToken").GetString()!;
    }
}
