using Keel.Core;

namespace Keel.Training.Featurization;

/// <summary>Featurised rows in one contiguous row-major float buffer (no object per row).</summary>
internal sealed class FeatureMatrix
{
    public FeatureMatrix(int rowCount, int width)
    {
        if ((long)rowCount * width > Array.MaxLength)
            throw new KeelInputException($"The data featurises to {rowCount} rows x {width} features, more than one buffer holds ({Array.MaxLength} values); use fewer rows or fewer category/text columns.");
        RowCount = rowCount;
        Width = width;
        Values = new float[rowCount * width];
    }

    public int RowCount { get; }
    public int Width { get; }

    /// <summary>Row r occupies [r * Width, (r + 1) * Width).</summary>
    public float[] Values { get; }

    public Span<float> Row(int r) => Values.AsSpan(r * Width, Width);

    /// <summary>Copies into one array per row (for callers that want jagged rows, e.g. explanations).</summary>
    public float[][] ToJagged()
    {
        var rows = new float[RowCount][];
        for (var r = 0; r < RowCount; r++) rows[r] = Row(r).ToArray();
        return rows;
    }
}
