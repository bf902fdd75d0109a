using TatamiTech.Api.Validation;
using TatamiTech.Data.Students;

namespace TatamiTech.Api.Promotions;

/// <summary>A <see cref="PromotionRequest"/> that passed validation, normalized.</summary>
public sealed record ValidPromotion(string ToRank, DateOnly PromotedOn)
{
    public static ValidPromotion? Validate(PromotionRequest request, DateOnly today, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var rank = BeltRanks.Normalize(request.ToRank);
        if (rank is null)
        {
            errors["toRank"] = [$"Must be one of: {string.Join(", ", BeltRanks.All)}."];
        }

        var promotedOn = request.PromotedOn ?? today;
        if (promotedOn > today)
        {
            errors["promotedOn"] = ["Cannot be in the future."];
        }

        UnknownFields.Report(request.UnknownFields, errors);

        return errors.Count == 0 ? new ValidPromotion(rank!, promotedOn) : null;
    }
}
