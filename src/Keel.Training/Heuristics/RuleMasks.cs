using Keel.Core.Data;

namespace Keel.Training.Heuristics;

/// <summary>Rules of the heuristic grammar (<c>Income &lt; 50 and Home == 'rent' -&gt; low_income_renter</c>) as row masks, e.g. for error-analysis tags.</summary>
public static class RuleMasks
{
    /// <summary>Parses <paramref name="rule"/> without data and returns its outcome, so a bad rule stops before any file is read.</summary>
    /// <exception cref="Keel.Core.KeelInputException">The rule does not parse; the message names the position.</exception>
    public static string Check(string rule, string where) => RuleParser.Parse(rule, where).Outcome;

    /// <summary>The rule's outcome (its name) and the rows of <paramref name="table"/> where its condition holds.</summary>
    /// <param name="rule">The rule's text.</param>
    /// <param name="table">The rows.</param>
    /// <param name="where">Prefixes errors, e.g. "tags.yaml field 'tags[2]'".</param>
    /// <param name="source">Names the table in errors.</param>
    /// <exception cref="Keel.Core.KeelInputException">The rule does not parse, or names a column the table lacks or compares it wrongly.</exception>
    public static (string Name, bool[] Mask) Evaluate(string rule, Table table, string where, string source)
    {
        var parsed = RuleParser.Parse(rule, where);
        return (parsed.Outcome, RuleEvaluator.Evaluate(parsed.When, table, $"{where} '{rule}'", source));
    }
}
