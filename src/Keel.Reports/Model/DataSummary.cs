namespace Keel.Reports;

/// <summary>The data set a run trained on: source, split sizes, per-column profile and label distribution.</summary>
public sealed record DataSummary(
    string Path,
    string Sha256,
    int Rows,
    int Columns,
    string Label,
    int TrainRows,
    int ValidationRows,
    int TestRows,
    string SplitStrategy,
    IReadOnlyList<ColumnView> Profile,
    IReadOnlyList<LabelCount> LabelDistribution);

/// <summary>How many rows carry one label value.</summary>
public sealed record LabelCount(string Value, int Count);

/// <summary>Profile of one column; <paramref name="Distribution"/> holds histogram bins or top values.</summary>
public sealed record ColumnView(
    string Name,
    string Type,
    int Missing,
    int Distinct,
    double? Mean,
    double? Std,
    double? Min,
    double? Max,
    IReadOnlyList<BarDatum> Distribution);
