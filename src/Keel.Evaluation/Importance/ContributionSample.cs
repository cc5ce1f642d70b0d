namespace Keel.Evaluation.Importance;

/// <summary>One input column's contribution to one row's raw score.</summary>
public sealed record ColumnContribution(string Column, double Contribution);

/// <summary>A test row explained: its 0-based test row, actual and predicted answer, and its largest contributions by size.</summary>
public sealed record ExplainedRow(int Row, string Actual, string Predicted, IReadOnlyList<ColumnContribution> Top);

/// <summary>Per-prediction contributions of a sample of test rows, in the model's raw score (<paramref name="Space"/>: log-odds, score
/// or value).</summary>
public sealed record ContributionSample(string Space, IReadOnlyList<ExplainedRow> Rows);
