using Microsoft.Extensions.Options;
using TatamiTech.Tenancy.AspNetCore.Observability;
using TatamiTech.Tenancy;

namespace TatamiTech.UnitTests.Tenancy.AspNetCore.Observability;

public sealed class AcademyMetricTagsShould
{
    [Fact]
    public void NameTheFirstAcademiesAndCountTheRestAsOther()
    {
        var tags = Tags(maxAcademies: 2);
        var (first, second, third) = (Academy("first"), Academy("second"), Academy("third"));

        Assert.Equal("first", tags.For(first));
        Assert.Equal("second", tags.For(second));
        Assert.Equal(AcademyMetricTags.Other, tags.For(third));
        Assert.Equal("first", tags.For(first));
        Assert.Equal(AcademyMetricTags.Other, tags.For(third));
    }

    [Fact]
    public void LeaveTheNamesToMembersWhenOutsidersComeFirst()
    {
        var tags = Tags(maxAcademies: 1);
        var (attacked, member) = (Academy("attacked"), Academy("member"));

        // Requests from outside an academy take no name, however many academies they reach.
        Assert.Equal(AcademyMetricTags.Other, tags.For(attacked, claim: false));
        Assert.Equal("member", tags.For(member));
        Assert.Equal("member", tags.For(member, claim: false));
        Assert.Equal(AcademyMetricTags.Other, tags.For(attacked));
    }

    [Fact]
    public void NameNoAcademyWhenTurnedOff()
    {
        var tags = new AcademyMetricTags(Options.Create(new AcademyMetricsOptions { TagAcademy = false }));

        Assert.Null(tags.For(Academy("first")));
    }

    [Fact]
    public void StayWithinTheLimitWhenManyAcademiesArriveAtOnce()
    {
        var tags = Tags(maxAcademies: 10);
        var academies = Enumerable.Range(0, 1000).Select(i => Academy($"academy{i}")).ToArray();
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.ForEach(academies, academy => seen.Add(tags.For(academy)!));

        Assert.Equal(10, seen.Distinct().Count(v => v != AcademyMetricTags.Other));
        Assert.Equal(990, seen.Count(v => v == AcademyMetricTags.Other));
    }

    private static AcademyMetricTags Tags(int maxAcademies) =>
        new(Options.Create(new AcademyMetricsOptions { MaxAcademies = maxAcademies }));

    private static TenantInfo Academy(string slug) => new(Guid.NewGuid(), slug, slug);
}
