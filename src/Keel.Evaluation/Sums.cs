namespace Keel.Evaluation;

/// <summary>Shared pieces of the classification metrics.</summary>
internal static class Sums
{
    public static int[][] Confusion(int[] truth, int[] predicted, int k)
    {
        var m = new int[k][];
        for (var i = 0; i < k; i++) m[i] = new int[k];
        for (var i = 0; i < truth.Length; i++) m[truth[i]][predicted[i]]++;
        return m;
    }

    /// <summary>scikit-learn's log_loss: clip to [eps, 1 - eps] with eps the float64 machine epsilon, renormalise rows, mean of -log p(true).</summary>
    public static double LogLoss(int[] truth, double[][] p)
    {
        const double eps = 2.220446049250313e-16;
        var total = 0.0;
        for (var i = 0; i < truth.Length; i++)
        {
            var row = p[i];
            var sum = 0.0;
            for (var j = 0; j < row.Length; j++) sum += Math.Clamp(row[j], eps, 1 - eps);
            total += -Math.Log(Math.Clamp(row[truth[i]], eps, 1 - eps) / sum);
        }
        return total / truth.Length;
    }

    /// <summary>Precision, recall and F1 from counts, zero where undefined (zero_division=0), F1 as scikit-learn computes it.</summary>
    public static (double Precision, double Recall, double F1) Prf(double tp, double fp, double fn)
    {
        var precision = tp + fp == 0 ? 0 : tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : tp / (tp + fn);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return (precision, recall, f1);
    }

    public static IReadOnlyList<ClassReport> PerClass(int[][] confusion, IReadOnlyList<string> classes)
    {
        var k = classes.Count;
        var reports = new ClassReport[k];
        for (var c = 0; c < k; c++)
        {
            double tp = confusion[c][c], fp = 0, fn = 0;
            var support = 0;
            for (var j = 0; j < k; j++)
            {
                support += confusion[c][j];
                if (j == c) continue;
                fp += confusion[j][c];
                fn += confusion[c][j];
            }
            var (p, r, f) = Prf(tp, fp, fn);
            reports[c] = new ClassReport(classes[c], p, r, f, support);
        }
        return reports;
    }
}
