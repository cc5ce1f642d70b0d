namespace Keel.Core.Spec;

/// <summary>A tag for error analysis (spec <c>evaluation.tags</c>, or the file of <c>keel analyze --tags</c>).</summary>
/// <param name="Kind">"slice" (one tag per value of a column; numeric columns by quartile bins), "column" (a boolean column: rows where it
/// is true) or "rule" (rows where a rule's condition holds, named by its outcome, e.g. <c>Income &lt; 50 and Home == 'rent' -&gt; low_income_renter</c>).</param>
/// <param name="Value">The column, or the rule's text.</param>
public sealed record TagSpec(string Kind, string Value)
{
    /// <summary>The error rate (regression: mean absolute error) reachable on the tag, e.g. human-level or an existing system's.
    /// Default null: the best model of the run on the tag's rows.</summary>
    public double? Reference { get; init; }

    /// <summary>Ease weight in the prioritisation (higher is easier). Default 1.</summary>
    public double Ease { get; init; } = 1;

    /// <summary>Importance weight in the prioritisation. Default 1.</summary>
    public double Importance { get; init; } = 1;
}
