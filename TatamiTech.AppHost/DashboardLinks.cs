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
        api.WithUrls(context =>
        {
            if (context.Urls.FirstOrDefault(u => u.Endpoint?.EndpointName == "http") is not { } bare)
            {
                return;
            }

            bare.DisplayLocation = UrlDisplayLocation.DetailsOnly;
            foreach (var slug in DemoAcademySlugs.All)
            {
                var page = new UriBuilder(bare.Url) { Host = $"{slug}.localhost", Path = ReferencePath };
                context.Urls.Add(new ResourceUrlAnnotation { Url = page.Uri.ToString(), DisplayText = $"{slug}: API reference" });
                page.Fragment = StudentsAnchor;
                context.Urls.Add(new ResourceUrlAnnotation { Url = page.Uri.ToString(), DisplayText = $"{slug}: students" });
            }
        });

    /// <summary>A service whose bare address answers nothing useful: its reference page instead.</summary>
    public static IResourceBuilder<ProjectResource> WithReferenceLink(this IResourceBuilder<ProjectResource> service, string text) =>
        service.WithUrls(context =>
        {
            if (context.Urls.FirstOrDefault(u => u.Endpoint?.EndpointName == "http") is not { } bare)
            {
                return;
            }

            bare.DisplayLocation = UrlDisplayLocation.DetailsOnly;
            context.Urls.Add(new ResourceUrlAnnotation
            {
                Url = new UriBuilder(bare.Url) { Path = ReferencePath }.Uri.ToString(),
                DisplayText = text,
            });
        });
}
