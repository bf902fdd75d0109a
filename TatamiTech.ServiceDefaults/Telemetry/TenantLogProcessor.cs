using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using TatamiTech.Tenancy;

namespace TatamiTech.ServiceDefaults.Telemetry;

/// <summary>
/// Gives <c>tenant.slug</c> to warnings and errors written outside the tenant's log scope but inside its
/// request, above all the framework's own "unhandled exception" record: the exception handler runs
/// before the tenancy middleware and logs after its scope has closed. The request span still carries
/// the academy (step 1 tags it), so the slug is read from the current activity.
/// </summary>
/// <remarks>Records below Warning are left alone: those written in a tenant scope carry it already.</remarks>
internal sealed class TenantLogProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.LogLevel < LogLevel.Warning || SlugOfCurrentRequest() is not { } slug || CarriesTenant(data))
        {
            return;
        }

        data.Attributes = [.. data.Attributes ?? [], new(TenantTags.Slug, slug)];
    }

    private static string? SlugOfCurrentRequest()
    {
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
        {
            if (activity.GetTagItem(TenantTags.Slug) is string slug)
            {
                return slug;
            }
        }

        return null;
    }

    private static bool CarriesTenant(LogRecord data)
    {
        if (data.Attributes?.Any(a => a.Key == TenantTags.Slug) == true)
        {
            return true;
        }

        var found = new StrongBox<bool>();
        data.ForEachScope(static (scope, found) =>
        {
            foreach (var item in scope)
            {
                found.Value |= item.Key == TenantTags.Slug;
            }
        }, found);
        return found.Value;
    }
}
