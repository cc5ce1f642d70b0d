using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Importance;
using Keel.Training;
using Keel.Training.Explanation;

namespace Keel.Pipeline;

/// <summary>Per-prediction contributions of the registered model for a sample of test rows (shown in the report).</summary>
internal static class ContributionStep
{
    /// <summary>Test rows explained: evenly spaced over the test split, in order.</summary>
    public const int SampleRows = 10;

    /// <summary>Columns shown per row.</summary>
    public const int Top = 5;

    /// <summary>The contributions of <see cref="SampleRows"/> evenly spaced rows of <paramref name="rows"/>; null when the model cannot explain.</summary>
    public static ContributionSample? Run(IFittedModel model, Table rows, EncodedLabels truth, Predictions predictions)
    {
        if (!Contributions.Supported(model) || rows.RowCount == 0) return null;
        var n = Math.Min(SampleRows, rows.RowCount);
        var picked = Enumerable.Range(0, n).Select(i => (int)((long)i * rows.RowCount / n)).ToArray();
        var table = Contributions.Compute(model, rows.Take(picked));
        if (table is null) return null;
        var predicted = predictions.Probabilities is null ? null : predictions.PredictedClassIndices();
        string Actual(int r) => truth.ClassIndices is { } y ? truth.Classes[y[r]] : F(truth.Values![r]);
        string Predicted(int r) => predicted is null ? F(predictions.Values![r])
            : $"{predictions.Classes[predicted[r]]} ({F(predictions.Probabilities![r][predicted[r]])})";
        return new ContributionSample(table.Space, picked.Select((r, i) => new ExplainedRow(r, Actual(r), Predicted(r),
            table.Top(i, Top).Select(t => new ColumnContribution(t.Column, t.Contribution)).ToArray())).ToArray());
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
