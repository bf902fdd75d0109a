namespace TatamiTech.Platform.Audit;

/// <summary>
/// What the audit records of an academy: every change to it, to where its rows live and to its integrations, and every
/// read of all its data.
/// </summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Suspend = "suspend";
    public const string Resume = "resume";
    public const string Export = "export";
    public const string Erase = "erase";
    public const string Isolate = "isolate";
    public const string Move = "move";
    public const string RegisterClient = "register-client";
    public const string RevokeClient = "revoke-client";
    public const string Invite = "invite";
}
