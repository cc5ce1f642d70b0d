using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Data;

/// <summary>What <see cref="Splitter"/> needs to split rows into train, validation and test.</summary>
public sealed record SplitRequest
{
    /// <summary>The strategy (no default).</summary>
    public required SplitStrategy Strategy { get; init; }

    /// <summary>Share of all rows held out for test, in (0, 1). Default 0.2. Unused by predefined splits.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Share of the non-test rows held out for validation, in [0, 1). Default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Seed of the shuffles. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Class index per row; required for stratified, and stratifies the validation carve-out of predefined. Default null.</summary>
    public int[]? StratifyBy { get; init; }

    /// <summary>The time column (numeric or date/time) for strategy time. Default null.</summary>
    public Column? TimeColumn { get; init; }

    /// <summary>The group column for strategy group. Default null.</summary>
    public Column? GroupColumn { get; init; }

    /// <summary>For strategy predefined: the test rows (e.g. from <see cref="SplitFiles.ReadRowIndices"/>). Default null.</summary>
    public IReadOnlyList<int>? PredefinedTestRows { get; init; }

    /// <summary>For strategy predefined: a column whose values are train, validation (or valid) and test. Default null.</summary>
    public Column? PredefinedColumn { get; init; }

    /// <summary>The data file's name, for error messages. Default empty.</summary>
    public string SourceName { get; init; } = "";
}
