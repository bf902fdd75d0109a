using System.Diagnostics;
using OpenTelemetry;
using TatamiTech.Tenancy;

namespace TatamiTech.ServiceDefaults.Telemetry;

/// <summary>
/// Stamps <c>tenant.slug</c> on every span started while a tenant is in scope: database
/// commands, outgoing HTTP calls and custom spans, not only the request span.
/// </summary>
internal sealed class TenantActivityProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (AmbientTenant.Current is { } tenant)
        {
            data.SetTag(TenantTags.Slug, tenant.Slug);
        }
    }
}
