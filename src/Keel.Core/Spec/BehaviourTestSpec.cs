namespace Keel.Core.Spec;

/// <summary>A behavioural test of the selected model (spec <c>evaluation.tests</c>), after CheckList's test types for tables.</summary>
/// <param name="Type">"invariance" (perturb a numeric column by up to ±noise: the answer must not move more than tolerance), "directional"
/// (change a numeric column by factor and add: the answer must not rise, or must not fall) or "minimum" (a file of cases with expected answers).</param>
/// <param name="Name">Names the test in the report and in gate details, e.g. "directional Income".</param>
public sealed record BehaviourTestSpec(string Type, string Name)
{
    /// <summary>The column perturbed or changed (invariance, directional).</summary>
    public string? Column { get; init; }

    /// <summary>Invariance: each value moves by a uniform amount in [−noise, +noise] (seeded by the spec seed). Default 0.</summary>
    public double Noise { get; init; }

    /// <summary>Directional: new value = value × factor + add. Defaults 1 and 0.</summary>
    public double Factor { get; init; } = 1;

    /// <summary>Directional: added after <see cref="Factor"/>. Default 0.</summary>
    public double Add { get; init; }

    /// <summary>Directional: "not_increase" or "not_decrease" of the watched answer. Default "not_increase".</summary>
    public string Expect { get; init; } = "not_increase";

    /// <summary>The class whose probability is watched (classification). Default null: the positive class (binary) or, for invariance,
    /// every class (the largest change counts).</summary>
    public string? Class { get; init; }

    /// <summary>How far the answer may move (probability, or the regression value) and still pass; minimum: the allowed absolute error
    /// of a regression case. Default 0 (directional, minimum) or 0.05 (invariance, given in the spec).</summary>
    public double Tolerance { get; init; }

    /// <summary>Minimum functionality: a CSV, JSON lines or Parquet file of cases, with the feature columns and the label column
    /// holding the expected answer; relative to the spec. Default null.</summary>
    public string? File { get; init; }
}
