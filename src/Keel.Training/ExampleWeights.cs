namespace Keel.Training;

/// <summary>Example weights of training rows: per-class weights (balanced or given) times per-row weights.</summary>
public static class ExampleWeights
{
    /// <summary>scikit-learn's compute_class_weight('balanced'): n_rows / (n_classes · rows of the class), over the classes that occur in
    /// <paramref name="classIndices"/>; a class without rows gets 0 (it weighs no row).</summary>
    public static double[] Balanced(int[] classIndices, int classCount)
    {
        ArgumentNullException.ThrowIfNull(classIndices);
        var counts = new int[classCount];
        foreach (var c in classIndices) counts[c]++;
        var present = counts.Count(c => c > 0);
        return counts.Select(c => c == 0 ? 0.0 : (double)classIndices.Length / (present * c)).ToArray();
    }

    /// <summary>Row i's weight: <paramref name="rowWeights"/>[i] (1 when null) × <paramref name="classWeights"/>[class of row i] (1 when
    /// null); null when both are null.</summary>
    public static double[]? Combine(double[]? rowWeights, double[]? classWeights, int[]? classIndices)
    {
        if (classWeights is null || classIndices is null) return rowWeights;
        var w = new double[classIndices.Length];
        for (var i = 0; i < w.Length; i++) w[i] = (rowWeights?[i] ?? 1) * classWeights[classIndices[i]];
        return w;
    }
}
