using System.Security.Cryptography;
using Aspire.Hosting.Publishing;

namespace TatamiTech.AppHost.Identity;

/// <summary>
/// A new ECDSA P-256 key as PKCS#8 PEM: the identity service's signing key for a local run, generated on the first run
/// and kept in the AppHost's user secrets (persisted like every generated parameter), so that tokens survive a restart.
/// A published model has no default: the operator supplies the key.
/// </summary>
internal sealed class SigningKeyDefault : ParameterDefault
{
    public override string GetDefaultValue()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public override void WriteToManifest(ManifestPublishingContext context) =>
        throw new NotSupportedException("The signing key of a published model is supplied by the operator, never generated.");
}
