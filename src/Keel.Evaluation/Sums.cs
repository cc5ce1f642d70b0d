namespace Keel.Evaluation;

/// <summary>Shared pieces of the classification metrics.</summary>
internal static class Sums
{
    /// <summary>float64 machine epsilon (numpy's finfo(float64).eps), scikit-learn's clipping and division floor.</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>numpy's pairwise summation (add.reduce on a contiguous float64 array), bit for bit.</summary>
    /// <remarks>Needed where scikit-learn's answer hinges on rounding: the mean of a constant label such as 0.1 is not exactly 0.1
    /// in either order, and r2 divides by the resulting tiny spread.</remarks>
    public static double PairwiseSum(ReadOnlySpan<double> a)
    {
        const int block = 128;
        if (a.Length < 8)
        {
            var s = 0.0;
            foreach (var v in a) s += v;
            return s;
        }
        if (a.Length <= block)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            var i = 8;
            for (; i < a.Length - a.Length % 8; i += 8)
            {
                for (var j = 0; j < 8; j++) r[j] += a[i + j];
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < a.Length; i++) res += a[i];
            return res;
        }
        var half = a.Length / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }

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
        const double eps = MachineEpsilon;
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

    /// <summary>Balanced accuracy and per-class recall from a flat confusion matrix [true · k + predicted] (counts or weights), as
    /// scikit-learn's balanced_accuracy_score and recall_score(average=None, zero_division=0) over unique_labels(y_true, y_pred).</summary>
    /// <remarks>recalls[c] is NaN for a class in neither truth nor predictions; balanced accuracy averages the classes with true rows.</remarks>
    public static double BalancedAccuracy(ReadOnlySpan<double> confusion, int k, Span<double> recalls)
    {
        double sum = 0;
        var present = 0;
        for (var c = 0; c < k; c++)
        {
            double support = 0, predicted = 0;
            for (var j = 0; j < k; j++)
            {
                support += confusion[c * k + j];
                predicted += confusion[j * k + c];
            }
            if (support == 0)
            {
                recalls[c] = predicted > 0 ? 0 : double.NaN;
                continue;
            }
            recalls[c] = confusion[c * k + c] / support;
            sum += recalls[c];
            present++;
        }
        return sum / present;
    }

    /// <summary>Adds balanced_accuracy and recall.CLASS (classes in truth or predictions) to <paramref name="metrics"/>.</summary>
    public static void AddSkewMetrics(int[][] confusion, IReadOnlyList<string> classes, Dictionary<string, double> metrics)
    {
        var k = classes.Count;
        var flat = new double[k * k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++) flat[i * k + j] = confusion[i][j];
        }
        var recalls = new double[k];
        metrics["balanced_accuracy"] = BalancedAccuracy(flat, k, recalls);
        for (var c = 0; c < k; c++)
        {
            if (!double.IsNaN(recalls[c])) metrics[Keel.Core.Metrics.MetricCatalog.ClassRecall(classes[c])] = recalls[c];
        }
    }
}
