using System.Net.Mail;
using TatamiTech.Api.Validation;
using TatamiTech.Data.Students;

namespace TatamiTech.Api.Students;

/// <summary>A <see cref="StudentRequest"/> that passed validation, with its values normalized.</summary>
public sealed record ValidStudent(string FirstName, string LastName, string Email, string BeltRank)
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 254;

    public static ValidStudent? Validate(StudentRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var firstName = RequiredText(request.FirstName, "firstName", NameMaxLength, errors);
        var lastName = RequiredText(request.LastName, "lastName", NameMaxLength, errors);
        var email = RequiredText(request.Email, "email", EmailMaxLength, errors)?.ToLowerInvariant();
        if (email is not null && !IsEmail(email))
        {
            errors["email"] = ["Must be an email address such as name@example.com."];
        }

        var beltRank = BeltRanks.Normalize(request.BeltRank);
        if (beltRank is null)
        {
            errors["beltRank"] = [$"Must be one of: {string.Join(", ", BeltRanks.All)}."];
        }

        UnknownFields.Report(request.UnknownFields, errors);

        return errors.Count == 0 ? new ValidStudent(firstName!, lastName!, email!, beltRank!) : null;
    }

    private static string? RequiredText(string? value, string field, int maxLength, Dictionary<string, string[]> errors)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors[field] = ["Required."];
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            errors[field] = [$"At most {maxLength} characters."];
            return null;
        }

        return trimmed;
    }

    private static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address)
        && address.Address == value
        && address.Host.Contains('.')
        && !value.Any(char.IsWhiteSpace);
}
