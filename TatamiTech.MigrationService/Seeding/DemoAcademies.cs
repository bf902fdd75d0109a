using TatamiTech.Data.Students;
using TatamiTech.Names;
using TatamiTech.Tenancy;

namespace TatamiTech.MigrationService.Seeding;

/// <summary>
/// The two academies a developer sees on first start. Ids are fixed so a dev token minted
/// yesterday still names the same academy today.
/// </summary>
public static class DemoAcademies
{
    public static readonly TenantInfo GoldenTiger = new(
        Guid.Parse("6f1a0c4e-3b7d-4c2a-9e51-0d7f2b8a1c01"), DemoAcademySlugs.GoldenTiger, "Golden Tiger Dojo");

    public static readonly TenantInfo IronCrane = new(
        Guid.Parse("2c9e7b13-5a4f-4d6e-8b20-7e3c1f9a5d02"), DemoAcademySlugs.IronCrane, "Iron Crane Academy");

    public static IReadOnlyList<(TenantInfo Tenant, Student[] Students)> All =>
    [
        (GoldenTiger,
        [
            NewStudent("Aiko", "Tanaka", "aiko.tanaka@example.com", "black"),
            NewStudent("Marcus", "Silva", "marcus.silva@example.com", "brown"),
            NewStudent("Lena", "Novak", "lena.novak@example.com", "blue"),
            NewStudent("Omar", "Haddad", "omar.haddad@example.com", "white"),
            NewStudent("Sam", "Rivera", "sam.rivera@example.com", "yellow"),
        ]),
        (IronCrane,
        [
            NewStudent("Chen", "Wei", "chen.wei@example.com", "purple"),
            NewStudent("Priya", "Nair", "priya.nair@example.com", "green"),
            NewStudent("Jonas", "Berg", "jonas.berg@example.com", "orange"),
            // Also a Golden Tiger student: one email, two academies.
            NewStudent("Sam", "Rivera", "sam.rivera@example.com", "white"),
        ]),
    ];

    private static Student NewStudent(string first, string last, string email, string rank) => new()
    {
        Id = Guid.CreateVersion7(),
        FirstName = first,
        LastName = last,
        Email = email,
        BeltRank = rank,
    };
}
