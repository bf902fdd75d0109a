using TatamiTech.Data.Promotions;
using TatamiTech.Data.Students;
using TatamiTech.ServiceDefaults.OpenApi;

namespace TatamiTech.Api.Promotions;

public sealed record PromotionResponse(
    Guid Id,
    Guid StudentId,
    [property: AllowedValuesFrom(typeof(BeltRanks), nameof(BeltRanks.All))] string FromRank,
    [property: AllowedValuesFrom(typeof(BeltRanks), nameof(BeltRanks.All))] string ToRank,
    DateOnly PromotedOn)
{
    public static PromotionResponse From(BeltPromotion promotion) =>
        new(promotion.Id, promotion.StudentId, promotion.FromRank, promotion.ToRank, promotion.PromotedOn);
}
