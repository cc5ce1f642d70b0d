using System.Text;
using System.Text.RegularExpressions;
using Keel.Core;

namespace Keel.Pipeline.Spec;

/// <summary>Rules for the names a spec gives (model, candidate, experiment, alias), checked before the store is opened.</summary>
/// <remarks>Candidate names become artifact paths and metric keys (CANDIDATE.val.auc), so they allow no dots, slashes or spaces;
/// model names follow the registry's rule.</remarks>
public static partial class Names
{
    /// <summary>Longest registered model name.</summary>
    public const int MaxModelName = 128;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex CandidatePattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasPattern();

    /// <summary>Names the run itself writes artifacts under (models/final.keelmodel), so no candidate may take them.</summary>
    private static readonly string[] ReservedCandidates = ["final"];

    /// <summary>Throws unless <paramref name="name"/> is a valid registered model name.</summary>
    public static void RequireModelName(string name, string where) => Require(ModelPattern().IsMatch(name), name, where,
        "a letter or digit then up to 127 of letters, digits, '_', '.' or '-'");

    /// <summary>Throws unless <paramref name="name"/> is a valid candidate name.</summary>
    public static void RequireCandidateName(string name, string where)
    {
        Require(CandidatePattern().IsMatch(name), name, where, "a letter or digit then up to 63 of letters, digits, '_' or '-'");
        if (ReservedCandidates.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new KeelInputException($"{where}: '{name}' is reserved for the registered model's files; expected another name.");
    }

    /// <summary>Throws unless <paramref name="name"/> is a valid alias.</summary>
    public static void RequireAlias(string name, string where) => Require(AliasPattern().IsMatch(name), name, where,
        "a lower-case letter then up to 63 of a-z, 0-9, '_' or '-'");

    /// <summary>Throws unless <paramref name="name"/> is a usable experiment name (<see cref="IsExperimentName"/>).</summary>
    public static void RequireExperimentName(string name, string where) => Require(IsExperimentName(name), name, where,
        "1 to 128 characters without control characters (such as newlines) or leading and trailing spaces");

    /// <summary>Whether <paramref name="name"/> is a usable experiment name: 1 to 128 characters, no control characters, no outer spaces.</summary>
    public static bool IsExperimentName(string name) =>
        name.Length is > 0 and <= MaxModelName && name.Trim() == name && !name.Any(char.IsControl);

    /// <summary>The experiment name a data file gives by default: its name without extension, or a slug of it when that is not usable.</summary>
    public static string DefaultExperiment(string dataPath)
    {
        var stem = Path.GetFileNameWithoutExtension(dataPath);
        return IsExperimentName(stem) ? stem : Slug(stem);
    }

    /// <summary>A valid model name made from <paramref name="text"/> (e.g. a file name): runs of other characters become '-'.</summary>
    /// <example><c>my penguins</c> gives <c>my-penguins</c>.</example>
    public static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            var ok = char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-';
            if (ok) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        var slug = sb.ToString().TrimStart('_', '.', '-').TrimEnd('-');
        if (slug.Length > MaxModelName) slug = slug[..MaxModelName].TrimEnd('-');
        return slug.Length == 0 ? "model" : slug;
    }

    private static void Require(bool ok, string name, string where, string expected)
    {
        if (!ok) throw new KeelInputException($"{where}: '{Shown(name)}' is not a valid name; expected {expected}.");
    }

    /// <summary>The name as it can be shown in one line: control characters escaped, long names cut.</summary>
    private static string Shown(string name)
    {
        var sb = new StringBuilder();
        foreach (var ch in name.Length > 80 ? name[..80] : name)
            sb.Append(char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch);
        return name.Length > 80 ? sb + $"… ({name.Length} characters)" : sb.ToString();
    }
}
