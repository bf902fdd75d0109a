using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace TatamiTech.UnitTests.Data.Wall;

/// <summary>
/// Reads the string literals a compiled assembly holds, method by method (constants folded, interpolated
/// strings in their pieces), and reports the SQL that would leave state on a pooled session. The compiled
/// text rather than the source: what the compiler folded from constants is what the product sends, and
/// comments are not in it. A type and the types nested in it (lambdas, async state machines) are one place.
/// </summary>
public static partial class SessionStateScan
{
    /// <summary>A statement that would outlive its transaction, or set the academy outside the wall's builder.</summary>
    public sealed record Rule(string Name, Regex Pattern);

    public sealed record Finding(string Assembly, string Type, string Member, string Rule, string Text)
    {
        public override string ToString() => $"{Assembly}: {Type}.{Member} sends {Rule}: {Text}";
    }

    /// <summary>Where an interpolated string had a value: the scan sees its pieces joined around this.</summary>
    public const string Hole = "{}";

    public static readonly IReadOnlyList<Rule> Rules =
    [
        // SET app.x (and SET SESSION app.x) lasts for the session; SET LOCAL app.x is the builder's job alone.
        new("SET app.", SetAppSetting()),
        new("SET SESSION", SetSession()),
        new("set_config(..., false)", SessionSetConfig()),
        // A tenant setting by set_config, whatever its third argument (a hole hides it), belongs to the builder.
        new("set_config('app....')", AppSetConfig()),
        // RESET is SET ... TO DEFAULT: inside a transaction it still changes the session.
        new("RESET", Reset()),
    ];

    /// <summary>Every finding in <paramref name="assemblyPath"/>, except in the types named in <paramref name="allowed"/>.</summary>
    public static IEnumerable<Finding> Scan(string assemblyPath, IReadOnlySet<string> allowed)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var assembly = metadata.GetString(metadata.GetAssemblyDefinition().Name);
        var findings = new List<Finding>();

        foreach (var typeHandle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(typeHandle);
            var place = OutermostName(metadata, type);
            if (allowed.Contains(place))
            {
                continue;
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = metadata.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                var text = string.Join(Hole, Literals(metadata, pe.GetMethodBody(method.RelativeVirtualAddress)));
                Check(findings, assembly, place, metadata.GetString(method.Name), text);
            }

            foreach (var fieldHandle in type.GetFields())
            {
                var field = metadata.GetFieldDefinition(fieldHandle);
                if (!field.GetDefaultValue().IsNil
                    && metadata.GetConstant(field.GetDefaultValue()) is { TypeCode: ConstantTypeCode.String } constant)
                {
                    var blob = metadata.GetBlobReader(constant.Value);
                    var value = blob.ReadUTF16(blob.Length);
                    Check(findings, assembly, place, metadata.GetString(field.Name), value);
                }
            }
        }

        return findings;
    }

    /// <summary>The rules <paramref name="text"/> breaks, by name.</summary>
    public static IEnumerable<string> Broken(string text) => Rules.Where(r => r.Pattern.IsMatch(text)).Select(r => r.Name);

    private static void Check(List<Finding> findings, string assembly, string type, string member, string text)
    {
        foreach (var rule in Rules)
        {
            if (rule.Pattern.Match(text) is { Success: true } match)
            {
                findings.Add(new Finding(assembly, type, member, rule.Name, Excerpt(text, match)));
            }
        }
    }

    private static string Excerpt(string text, Match match)
    {
        var start = Math.Max(0, match.Index - 20);
        var end = Math.Min(text.Length, match.Index + match.Length + 20);
        return text[start..end].ReplaceLineEndings(" ");
    }

    private static string OutermostName(MetadataReader metadata, TypeDefinition type)
    {
        while (type.GetDeclaringType() is { IsNil: false } declaring)
        {
            type = metadata.GetTypeDefinition(declaring);
        }

        var ns = metadata.GetString(type.Namespace);
        var name = metadata.GetString(type.Name);
        return ns.Length == 0 ? name : $"{ns}.{name}";
    }

    /// <summary>The operand of every ldstr in the body, in order.</summary>
    private static IEnumerable<string> Literals(MetadataReader metadata, MethodBodyBlock body)
    {
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            int value = il.ReadByte();
            if (value == 0xFE)
            {
                value = 0xFE00 | il.ReadByte();
            }

            var opCode = s_opCodes[(ushort)value];
            if (opCode == OpCodes.Ldstr)
            {
                var token = il.ReadInt32();
                yield return metadata.GetUserString(MetadataTokens.UserStringHandle(token & 0x00FFFFFF));
                continue;
            }

            il.Offset += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 * il.ReadInt32(),
                _ => 4,
            };
        }
    }

    private static readonly Dictionary<ushort, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => (ushort)o.Value);

    [GeneratedRegex("""\bSET\s+(?:SESSION\s+|LOCAL\s+)?"?app\.""", RegexOptions.IgnoreCase)]
    private static partial Regex SetAppSetting();

    [GeneratedRegex(@"\bSET\s+SESSION\b", RegexOptions.IgnoreCase)]
    private static partial Regex SetSession();

    // The arguments may hold one level of parentheses (coalesce(x, '')) and holes.
    [GeneratedRegex(@"\bset_config\s*\((?:[^()]|\([^()]*\))*?,\s*false\s*\)", RegexOptions.IgnoreCase)]
    private static partial Regex SessionSetConfig();

    [GeneratedRegex("""\bset_config\s*\(\s*'app\.""", RegexOptions.IgnoreCase)]
    private static partial Regex AppSetConfig();

    // A statement that starts with RESET (after the text's start or a semicolon), or RESET of a setting by name.
    [GeneratedRegex("""(?:^|;)\s*RESET\b|\bRESET\s+(?:ALL|SESSION|ROLE|"?app\.)""", RegexOptions.IgnoreCase)]
    private static partial Regex Reset();
}
