using TatamiTech.Names;

namespace TatamiTech.AppHost.Identity;

internal static class DemoMembersExtensions
{
    /// <summary>
    /// The password the migration service gives the demo academies' members (one per role, <c>owner@goldentiger.example</c>
    /// and so on): generated once, kept in user secrets, its value shown with the parameter in the dashboard. Local runs
    /// only; a published model has no demo members.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDemoMembers(this IResourceBuilder<ProjectResource> migrations)
    {
        var builder = migrations.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode)
        {
            return migrations;
        }

        var password = builder.AddParameter(
            ResourceNames.DemoMemberPassword, new GenerateParameterDefault { MinLength = 16, Special = false }, secret: true, persist: true);
        return migrations.WithEnvironment(ConfigurationKeys.EnvironmentVariable(ConfigurationKeys.DemoMemberPassword), password);
    }
}
