namespace Keel.Reports;

/// <summary>One finding of a run's data checks, as the report shows it.</summary>
/// <param name="Group">integrity, contract or leakage.</param>
/// <param name="Check">The check's name, e.g. duplicate_rows or target_leakage.</param>
/// <param name="Severity">info, warning or error.</param>
/// <param name="Message">What was found.</param>
/// <param name="Columns">The columns concerned.</param>
/// <param name="Rows">The first rows concerned (0-based data-file rows).</param>
/// <param name="RowCount">How many rows are concerned in all.</param>
/// <param name="Fix">How to fix it; null when there is no advice.</param>
public sealed record FindingView(
    string Group,
    string Check,
    string Severity,
    string Message,
    IReadOnlyList<string> Columns,
    IReadOnlyList<int> Rows,
    int RowCount,
    string? Fix);

/// <summary>What the featurizer did to one input column: transforms, output features and fitted statistics.</summary>
/// <param name="Column">The input column or cross.</param>
/// <param name="Type">Its type.</param>
/// <param name="Inputs">The input columns read.</param>
/// <param name="Transforms">The transforms in order.</param>
/// <param name="Outputs">The output feature names.</param>
/// <param name="Statistics">Fitted statistics by name.</param>
public sealed record FeatureView(
    string Column,
    string Type,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Transforms,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, double> Statistics);
