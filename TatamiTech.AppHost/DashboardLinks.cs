using TatamiTech.Names;

namespace TatamiTech.AppHost;

/// <summary>
/// Links in the dashboard that lead somewhere. The API's bare address names no academy (it answers 404),
/// so it moves to the details and each demo academy gets its reference page and its students instead.
/// </summary>
internal static class DashboardLinks
{
    public const string ReferencePath = "/scalar/";

    /// <summary>The reference page's anchor of <c>GET /students</c>.</summary>
    public const string StudentsAnchor = "#tag/students/GET/students";

    public static IResourceBuilder<ProjectResource> WithAcademyLinks(this IResourceBuilder<ProjectResource> api) =>
        api.InsteadOfTheBareAddress(bare => DemoAcademySlugs.All.SelectMany(slug =>
        {
            var page = new UriBuilder(bare) { Host = $"{slug}.localhost", Path = ReferencePath };
            var reference = Link(page, $"{slug}: API reference");
            page.Fragment = StudentsAnchor;
            return new[] { reference, Link(page, $"{slug}: students") };
        }));

    /// <summary>A service whose bare address answers nothing useful: its reference page instead.</summary>
    public static IResourceBuilder<ProjectResource> WithReferenceLink(this IResourceBuilder<ProjectResource> service, string text) =>
        service.InsteadOfTheBareAddress(bare => [Link(new UriBuilder(bare) { Path = ReferencePath }, text)]);

    /// <summary>Moves the http endpoint's own link to the details and shows the given links in its place.</summary>
    private static IResourceBuilder<ProjectResource> InsteadOfTheBareAddress(
        this IResourceBuilder<ProjectResource> service, Func<string, IEnumerable<ResourceUrlAnnotation>> links) =>
        service.WithUrls(context =>
        {
            if (context.Urls.FirstOrDefault(u => u.Endpoint?.EndpointName == "http") is not { } bare)
            {
                return;
            }

            bare.DisplayLocation = UrlDisplayLocation.DetailsOnly;
            context.Urls.AddRange(links(bare.Url));
        });

    private static ResourceUrlAnnotation Link(UriBuilder url, string text) => new() { Url = url.Uri.ToString(), DisplayText = text };
}
