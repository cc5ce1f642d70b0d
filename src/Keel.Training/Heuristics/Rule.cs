namespace Keel.Training.Heuristics;

/// <summary>A condition of a heuristic rule.</summary>
internal abstract record Condition;

internal sealed record AndCondition(Condition Left, Condition Right) : Condition;

internal sealed record OrCondition(Condition Left, Condition Right) : Condition;

/// <summary><c>column op literal</c>; <paramref name="Number"/> is set when the literal parses as a number.</summary>
internal sealed record Comparison(string Column, string Op, string Literal, double? Number) : Condition;

/// <summary><c>column is missing</c> or <c>column is not missing</c>.</summary>
internal sealed record MissingCheck(string Column, bool Negated) : Condition;

/// <summary>One parsed rule: when <paramref name="When"/> holds, predict <paramref name="Outcome"/>.</summary>
internal sealed record Rule(Condition When, string Outcome, string Text)
{
    /// <summary>Every column the rule reads, in order of first use.</summary>
    public IEnumerable<string> Columns() => Walk(When).Distinct(StringComparer.Ordinal);

    private static IEnumerable<string> Walk(Condition c) => c switch
    {
        AndCondition a => Walk(a.Left).Concat(Walk(a.Right)),
        OrCondition o => Walk(o.Left).Concat(Walk(o.Right)),
        Comparison x => [x.Column],
        MissingCheck m => [m.Column],
        _ => [],
    };
}
