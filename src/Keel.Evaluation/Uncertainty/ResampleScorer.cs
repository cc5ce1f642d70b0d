using System.Numerics;
using Keel.Core.Data;
using Keel.Core.Metrics;
using Keel.Core.Models;

namespace Keel.Evaluation.Uncertainty;

/// <summary>Scores a bootstrap resample from its count vector (how often each row was drawn) instead of a copy of its rows.</summary>
/// <remarks>Each metric has the definition of <see cref="Evaluator"/> on the materialised resample: confusion-matrix metrics from
/// weighted counts, log loss, Brier and the regression errors from weighted sums of per-row terms computed once, and the areas under
/// the ROC and precision-recall curves from one score order sorted once, walked group of tied scores by group (rows drawn zero times
/// are skipped, so the thresholds are those of the resample). Only the sums' order differs, so values agree to rounding (about 1e-15).
/// A metric that is undefined on a resample is NaN. One instance per thread: the buffers are reused between calls.</remarks>
internal sealed class ResampleScorer
{
    private readonly TaskKind _task;
    private readonly int _k;
    private readonly int[] _y = [];
    private readonly int[] _yhat = [];
    private readonly double[] _logLoss = [];
    private readonly double[] _brier = [];
    private readonly int[][] _order = [];
    private readonly double[][] _score = [];
    private readonly double[] _truth = [];
    private readonly double[] _sq = [];
    private readonly double[] _abs = [];
    private readonly double[] _ape = [];
    private readonly double[] _confusion = [];

    /// <summary>Prepares the per-row terms and score orders of <paramref name="truth"/> and <paramref name="predictions"/> (same rows).</summary>
    public ResampleScorer(EncodedLabels truth, Predictions predictions)
    {
        _task = truth.Task;
        Rows = truth.Count;
        if (_task == TaskKind.Regression)
        {
            _truth = truth.Values!;
            var p = predictions.Values!;
            _sq = new double[Rows];
            _abs = new double[Rows];
            _ape = new double[Rows];
            for (var i = 0; i < Rows; i++)
            {
                var d = _truth[i] - p[i];
                _sq[i] = d * d;
                _abs[i] = Math.Abs(d);
                _ape[i] = _truth[i] == 0 ? 0 : Math.Abs(d) / Math.Max(Math.Abs(_truth[i]), Sums.MachineEpsilon);
            }
            Names = ["rmse", "mae", "r2", "mape"];
            return;
        }
        _k = truth.Classes.Count;
        _y = truth.ClassIndices!;
        _yhat = predictions.PredictedClassIndices();
        var probabilities = predictions.Probabilities!;
        _logLoss = new double[Rows];
        for (var i = 0; i < Rows; i++) _logLoss[i] = Sums.LogLoss([_y[i]], [probabilities[i]]);
        _confusion = new double[_k * _k];
        // Binary: one order, by P(class 1); multiclass: one per class for its one-vs-rest area.
        var orders = _task == TaskKind.Binary ? 1 : _k;
        _order = new int[orders][];
        _score = new double[orders][];
        for (var c = 0; c < orders; c++)
        {
            var column = _task == TaskKind.Binary ? 1 : c;
            var keys = probabilities.Select(p => p[column]).ToArray();
            var order = Enumerable.Range(0, Rows).ToArray();
            Array.Sort((double[])keys.Clone(), order);
            Array.Reverse(order);
            _order[c] = order;
            _score[c] = keys;
        }
        if (_task == TaskKind.Binary)
        {
            _brier = new double[Rows];
            for (var i = 0; i < Rows; i++) _brier[i] = (_y[i] - probabilities[i][1]) * (_y[i] - probabilities[i][1]);
            Names = ["accuracy", "precision", "recall", "f1", "log_loss", "brier", "auc", "pr_auc", .. SkewNames(truth.Classes)];
        }
        else
        {
            Names = ["accuracy", "macro_f1", "micro_f1", "weighted_f1", "log_loss", "auc_ovr_macro", .. SkewNames(truth.Classes)];
        }
    }

    /// <summary>balanced_accuracy and recall.CLASS per class: the last names of a classification scorer.</summary>
    private static string[] SkewNames(IReadOnlyList<string> classes) => ["balanced_accuracy", .. classes.Select(MetricCatalog.ClassRecall)];

    /// <summary>Writes balanced_accuracy and the per-class recalls from <see cref="_confusion"/> after the task's other metrics.</summary>
    private void Skew(double[] into, int at) => into[at] = Sums.BalancedAccuracy(_confusion, _k, into.AsSpan(at + 1, _k));

    /// <summary>Rows of the original set; a count vector has one entry per row.</summary>
    public int Rows { get; }

    /// <summary>The metrics <see cref="Score(int[], double[])"/> writes, in its order.</summary>
    public string[] Names { get; }

    /// <summary>Writes every metric of the resample drawn <paramref name="counts"/>[i] times from row i into <paramref name="into"/>.</summary>
    public void Score(int[] counts, double[] into) => Score<int>(counts, into);

    /// <summary>Writes every metric with row i weighted by <paramref name="weights"/>[i] (scikit-learn's sample_weight) into <paramref name="into"/>.</summary>
    public void Score(double[] weights, double[] into) => Score<double>(weights, into);

    private void Score<T>(T[] counts, double[] into) where T : INumber<T>
    {
        if (_task == TaskKind.Regression) Regression(counts, into);
        else if (_task == TaskKind.Binary) Binary(counts, into);
        else Multiclass(counts, into);
    }

    private void Binary<T>(T[] counts, double[] into) where T : INumber<T>
    {
        double tp = 0, fp = 0, fn = 0, tn = 0, logLoss = 0, brier = 0;
        for (var i = 0; i < Rows; i++)
        {
            var c = double.CreateTruncating(counts[i]);
            if (c == 0) continue;
            if (_y[i] == 1)
            {
                if (_yhat[i] == 1) tp += c;
                else fn += c;
            }
            else if (_yhat[i] == 1) fp += c;
            else tn += c;
            logLoss += c * _logLoss[i];
            brier += c * _brier[i];
        }
        var n = tp + fp + fn + tn;
        var (precision, recall, f1) = Sums.Prf(tp, fp, fn);
        into[0] = (tp + tn) / n;
        into[1] = precision;
        into[2] = recall;
        into[3] = f1;
        into[4] = logLoss / n;
        into[5] = brier / n;
        var positives = tp + fn;
        if (positives > 0 && positives < n)
        {
            var (auc, ap) = Areas(counts, 0, 1);
            into[6] = auc;
            into[7] = ap;
        }
        else
        {
            into[6] = into[7] = double.NaN;
        }
        _confusion[0] = tn;
        _confusion[1] = fp;
        _confusion[2] = fn;
        _confusion[3] = tp;
        Skew(into, 8);
    }

    private void Multiclass<T>(T[] counts, double[] into) where T : INumber<T>
    {
        var k = _k;
        Array.Clear(_confusion);
        double n = 0, logLoss = 0;
        for (var i = 0; i < Rows; i++)
        {
            var c = double.CreateTruncating(counts[i]);
            if (c == 0) continue;
            _confusion[_y[i] * k + _yhat[i]] += c;
            logLoss += c * _logLoss[i];
            n += c;
        }
        double correct = 0, macro = 0, weighted = 0, present = 0, supportSum = 0;
        var allPresent = true;
        for (var c = 0; c < k; c++)
        {
            double tp = _confusion[c * k + c], support = 0, predicted = 0;
            for (var j = 0; j < k; j++)
            {
                support += _confusion[c * k + j];
                predicted += _confusion[j * k + c];
            }
            correct += tp;
            allPresent &= support > 0 && support < n;
            if (support == 0 && predicted == 0) continue;
            var (_, _, f1) = Sums.Prf(tp, predicted - tp, support - tp);
            macro += f1;
            weighted += f1 * support;
            supportSum += support;
            present++;
        }
        var (_, _, micro) = Sums.Prf(correct, n - correct, n - correct);
        into[0] = correct / n;
        into[1] = macro / present;
        into[2] = micro;
        into[3] = weighted / supportSum;
        into[4] = logLoss / n;
        if (allPresent)
        {
            var sum = 0.0;
            for (var c = 0; c < k; c++) sum += Areas(counts, c, c).Auc;
            into[5] = sum / k;
        }
        else
        {
            into[5] = double.NaN;
        }
        Skew(into, 6);
    }

    /// <summary>ROC area and average precision of "class == <paramref name="positive"/>" by the scores of order <paramref name="o"/>.</summary>
    /// <remarks>Walks distinct scores from the highest; the ROC area is the trapezoid sum over the cumulative counts, the average
    /// precision Σ (recall step) × precision, as scikit-learn's roc_auc_score and average_precision_score on the resample.</remarks>
    private (double Auc, double Ap) Areas<T>(T[] counts, int o, int positive) where T : INumber<T>
    {
        var order = _order[o];
        var score = _score[o];
        double tps = 0, fps = 0, prevTps = 0, prevFps = 0, area = 0, ap = 0;
        var tpMax = 0.0;
        for (var i = 0; i < Rows; i++)
        {
            if (_y[i] == positive) tpMax += double.CreateTruncating(counts[i]);
        }
        for (var n = 0; n < order.Length; n++)
        {
            var r = order[n];
            var c = double.CreateTruncating(counts[r]);
            if (_y[r] == positive) tps += c;
            else fps += c;
            if (n < order.Length - 1 && score[order[n + 1]] == score[r]) continue;
            if (tps == prevTps && fps == prevFps) continue;
            area += (fps - prevFps) * (tps + prevTps) / 2;
            ap += (tps - prevTps) / tpMax * (tps / (tps + fps));
            prevTps = tps;
            prevFps = fps;
        }
        return (area / (fps * tpMax), ap);
    }

    private void Regression<T>(T[] counts, double[] into) where T : INumber<T>
    {
        double n = 0, se = 0, ae = 0, ape = 0, sum = 0;
        var rows = 0;
        var anyZero = false;
        var first = double.NaN;
        var constant = true;
        for (var i = 0; i < Rows; i++)
        {
            var c = double.CreateTruncating(counts[i]);
            if (c == 0) continue;
            n += c;
            rows++;
            se += c * _sq[i];
            ae += c * _abs[i];
            ape += c * _ape[i];
            sum += c * _truth[i];
            if (_truth[i] == 0) anyZero = true;
            if (double.IsNaN(first)) first = _truth[i];
            else if (_truth[i] != first) constant = false;
        }
        // A constant label's mean is what numpy's pairwise sum makes of it, not exactly the label (r2 divides by the tiny spread).
        var mean = constant && typeof(T) == typeof(int) ? Sums.PairwiseSum(Enumerable.Repeat(first, (int)n).ToArray()) / n : sum / n;
        var ss = 0.0;
        for (var i = 0; i < Rows; i++)
        {
            var c = double.CreateTruncating(counts[i]);
            if (c != 0) ss += c * (_truth[i] - mean) * (_truth[i] - mean);
        }
        into[0] = Math.Sqrt(se / n);
        into[1] = ae / n;
        // r2 needs two rows (a count vector may draw one row twice; weights count rows, not their sum).
        into[2] = (typeof(T) == typeof(int) ? n : rows) >= 2 ? ss == 0 ? se == 0 ? 1 : 0 : 1 - se / ss : double.NaN;
        into[3] = anyZero ? double.NaN : ape / n;
    }
}
