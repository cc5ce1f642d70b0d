namespace Keel.Training.MlNet;

/// <summary>Per-class Platt scaling of a one-versus-rest model's raw scores: p_k = 1 / (1 + exp(slope_k * s_k + offset_k)),
/// then normalised to sum 1. Saved in the package manifest (<c>class_platt</c>).</summary>
/// <param name="Slopes">Each class's Platt slope (ML.NET's sign convention).</param>
/// <param name="Offsets">Each class's Platt offset.</param>
internal sealed record ClassCalibration(double[] Slopes, double[] Offsets)
{
    /// <summary>One row's class probabilities from its raw one-versus-rest scores; NaN scores count as probability 0.</summary>
    public double[] Row(IEnumerable<float> scores, int classCount)
    {
        var row = new double[classCount];
        var sum = 0.0;
        var k = 0;
        foreach (var s in scores)
        {
            if (k >= classCount) break;
            row[k] = float.IsNaN(s) ? 0 : 1 / (1 + Math.Exp(Slopes[k] * s + Offsets[k]));
            sum += row[k];
            k++;
        }
        for (var j = 0; j < row.Length; j++) row[j] = sum > 0 ? row[j] / sum : 1.0 / row.Length;
        return row;
    }
}
