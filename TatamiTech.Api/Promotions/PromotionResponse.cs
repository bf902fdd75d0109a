using TatamiTech.Data.Promotions;

namespace TatamiTech.Api.Promotions;

public sealed record PromotionResponse(Guid Id, Guid StudentId, string FromRank, string ToRank, DateOnly PromotedOn)
{
    public static PromotionResponse From(BeltPromotion promotion) =>
        new(promotion.Id, promotion.StudentId, promotion.FromRank, promotion.ToRank, promotion.PromotedOn);
}
