namespace TatamiTech.Data.Identity;

/// <summary>The lengths the schema allows, checked by the platform before it writes.</summary>
public static class AcademyClientLimits
{
    public const int ClientIdLength = 64;
    public const int DisplayNameLength = 100;
    public const int RoleLength = 20;
}
