namespace TatamiTech.ServiceDefaults.OpenApi;

/// <summary>
/// Documents a string property as an enum of the values a static list holds, the same list the handler
/// validates against, so the document cannot drift from the rule.
/// </summary>
/// <param name="type">The type declaring the list.</param>
/// <param name="member">A static field or property of type <see cref="IEnumerable{T}"/> of string.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class AllowedValuesFromAttribute(Type type, string member) : Attribute
{
    public IEnumerable<string> Values =>
        (type.GetField(member)?.GetValue(null) ?? type.GetProperty(member)?.GetValue(null)) as IEnumerable<string>
        ?? throw new InvalidOperationException($"{type.Name}.{member} is not a static list of strings.");
}
