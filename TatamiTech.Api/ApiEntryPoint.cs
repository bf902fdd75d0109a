namespace TatamiTech.Api;

/// <summary>
/// Names the API's assembly for <c>WebApplicationFactory</c> in tests and the bench. The top-level
/// <c>Program</c> is in the global namespace, where the AppHost's <c>Program</c> also is.
/// </summary>
public sealed class ApiEntryPoint
{
    private ApiEntryPoint()
    {
    }
}
