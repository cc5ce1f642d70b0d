using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Data.Imbalance;

/// <summary>How training rows are rebalanced (imbalanced-learn's definitions, sampling_strategy 'auto').</summary>
public enum ImbalanceMethod
{
    /// <summary>RandomOverSampler: rows of every class but the largest drawn with replacement until each has as many rows.</summary>
    Oversample,
    /// <summary>RandomUnderSampler: every class but the smallest cut, without replacement, to the smallest class's size.</summary>
    Undersample,
    /// <summary>SMOTE: new rows of every class but the largest on segments to one of their k nearest same-class neighbours (numeric features only).</summary>
    Smote,
    /// <summary>SMOTE-NC: SMOTE with categorical features (distance adds the median continuous standard deviation per mismatch; the new row takes the neighbours' most frequent category).</summary>
    SmoteNc,
    /// <summary>TomekLinks: in every pair of mutual nearest neighbours of different classes, the row not of the smallest class is removed.</summary>
    Tomek,
}

/// <summary>Options of <see cref="Resampler"/>.</summary>
public sealed record ImbalanceOptions
{
    /// <summary>The method (required).</summary>
    public required ImbalanceMethod Method { get; init; }

    /// <summary>Neighbours of SMOTE and SMOTE-NC. Default 5, as imbalanced-learn.</summary>
    public int K { get; init; } = 5;

    /// <summary>Seed of every draw. Default 42.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>Rows per class before and after resampling.</summary>
public sealed record ResampleSummary(string Method, IReadOnlyDictionary<string, int> Before, IReadOnlyDictionary<string, int> After);

/// <summary>Rebalances classification training rows. Distances are Euclidean on the raw numeric, boolean and date-time
/// features (missing values at the column median), as imbalanced-learn computes them; brute force, O(n²) for Tomek links.</summary>
public static class Resampler
{
    /// <summary>The resampled rows: original rows (those kept) first in their order, then new or repeated rows.</summary>
    /// <exception cref="KeelInputException">Regression labels, or SMOTE with categorical features.</exception>
    public static (Table Features, EncodedLabels Labels, ResampleSummary Summary) Resample(Table features, EncodedLabels labels, ImbalanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        if (labels.ClassIndices is not { } y) throw new KeelInputException("imbalance: rebalancing needs classes, but the task is regression.");
        var random = new Random(options.Seed);
        var k = labels.Classes.Count;
        var counts = Counts(y, k);
        var space = new Space(features);
        Table outFeatures;
        int[] outLabels;
        switch (options.Method)
        {
            case ImbalanceMethod.Oversample:
            {
                var extra = new List<int>();
                var max = counts.Max();
                for (var c = 0; c < k; c++)
                {
                    var rows = RowsOf(y, c);
                    for (var i = counts[c]; i < max && rows.Length > 0; i++) extra.Add(rows[random.Next(rows.Length)]);
                }
                var all = Enumerable.Range(0, y.Length).Concat(extra).ToArray();
                (outFeatures, outLabels) = (features.Take(all), all.Select(r => y[r]).ToArray());
                break;
            }
            case ImbalanceMethod.Undersample:
            {
                var min = counts.Where(c => c > 0).Min();
                var keep = new List<int>();
                for (var c = 0; c < k; c++) keep.AddRange(Sampling.Sampler.Uniform(RowsOf(y, c), Math.Min(min, counts[c]), random));
                keep.Sort();
                (outFeatures, outLabels) = (features.Take(keep), keep.Select(r => y[r]).ToArray());
                break;
            }
            case ImbalanceMethod.Tomek:
            {
                var minority = Array.IndexOf(counts, counts.Where(c => c > 0).Min());
                var drop = TomekLinks(space, y).SelectMany(p => new[] { p.A, p.B }).Where(r => y[r] != minority).ToHashSet();
                var keep = Enumerable.Range(0, y.Length).Where(r => !drop.Contains(r)).ToArray();
                (outFeatures, outLabels) = (features.Take(keep), keep.Select(r => y[r]).ToArray());
                break;
            }
            default:
                (outFeatures, outLabels) = Smote(features, space, y, counts, options, random);
                break;
        }
        var after = Counts(outLabels, k);
        var summary = new ResampleSummary(options.Method.ToString().ToLowerInvariant(),
            labels.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => counts[x.i]),
            labels.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => after[x.i]));
        return (outFeatures, labels with { ClassIndices = outLabels, Values = null }, summary);
    }

    private static int[] Counts(int[] y, int k)
    {
        var counts = new int[k];
        foreach (var c in y) counts[c]++;
        return counts;
    }

    private static int[] RowsOf(int[] y, int c) => Enumerable.Range(0, y.Length).Where(r => y[r] == c).ToArray();

    /// <summary>Pairs (A &lt; B) of rows of different classes that are each other's nearest neighbour (ties: the lower row).</summary>
    public static IReadOnlyList<(int A, int B)> TomekLinks(Table features, int[] classes) => TomekLinks(new Space(features), classes);

    private static List<(int A, int B)> TomekLinks(Space space, int[] y)
    {
        var nearest = new int[y.Length];
        for (var i = 0; i < y.Length; i++) nearest[i] = space.Nearest(i, Enumerable.Range(0, y.Length), 1)[0];
        var pairs = new List<(int, int)>();
        for (var i = 0; i < y.Length; i++)
        {
            var j = nearest[i];
            if (i < j && nearest[j] == i && y[i] != y[j]) pairs.Add((i, j));
        }
        return pairs;
    }

    private static (Table, int[]) Smote(Table features, Space space, int[] y, int[] counts, ImbalanceOptions options, Random random)
    {
        var categorical = features.Columns.Where(c => c is StringColumn { Type: ColumnType.Categorical }).ToArray();
        if (options.Method == ImbalanceMethod.Smote && categorical.Length > 0)
            throw new KeelInputException($"imbalance.method: smote interpolates numbers, but {string.Join(", ", categorical.Select(c => $"'{c.Name}'"))} {(categorical.Length == 1 ? "is" : "are")} categorical; use smote_nc.");
        var max = counts.Max();
        var newRows = new List<(int Base, int Neighbour, double Gap, int[] Neighbours)>();
        var newLabels = new List<int>();
        for (var c = 0; c < counts.Length; c++)
        {
            if (counts[c] == max || counts[c] < 2) continue;
            var rows = RowsOf(y, c);
            if (options.Method == ImbalanceMethod.SmoteNc) space.UseCategoricalPenalty(rows);
            var k = Math.Min(options.K, rows.Length - 1);
            var neighbours = rows.ToDictionary(r => r, r => space.Nearest(r, rows, k));
            for (var i = counts[c]; i < max; i++)
            {
                var b = rows[random.Next(rows.Length)];
                var nn = neighbours[b];
                newRows.Add((b, nn[random.Next(nn.Length)], random.NextDouble(), nn));
                newLabels.Add(c);
            }
        }
        var n = y.Length + newRows.Count;
        var columns = features.Columns.Select(column => Extend(column, space, newRows, n, random)).ToArray();
        return (new Table(columns), [.. y, .. newLabels]);
    }

    /// <summary>The column with the synthetic rows appended: numbers on the segment base + gap × (neighbour − base) (missing where the
    /// base is missing, the base's value where the neighbour's is), categories the neighbours' most frequent value (ties drawn at
    /// random), text the base row's.</summary>
    private static Column Extend(Column column, Space space, List<(int Base, int Neighbour, double Gap, int[] Neighbours)> rows, int n, Random random)
    {
        switch (column)
        {
            case NumericColumn num:
            {
                var v = new double[n];
                num.Values.CopyTo(v);
                var filled = space.Filled(num.Name);
                for (var i = 0; i < rows.Count; i++)
                {
                    // Missing where the base row is missing, so the class keeps its missing rate (a missing indicator keeps its
                    // meaning); the base row's value where only the neighbour's is missing (no step towards the median).
                    var (b, nb, gap, _) = rows[i];
                    var value = num.IsMissing(b) ? double.NaN : num.IsMissing(nb) ? filled[b] : filled[b] + gap * (filled[nb] - filled[b]);
                    v[num.Length + i] = num.Type == ColumnType.Boolean ? Math.Round(value) : value;
                }
                return new NumericColumn(num.Name, v, num.Type);
            }
            case StringColumn { Type: ColumnType.Categorical } s:
            {
                var v = new string?[n];
                s.Values.CopyTo(v);
                for (var i = 0; i < rows.Count; i++)
                {
                    // Ties drawn at random, as imbalanced-learn (always the nearest's category skews the new rows towards it).
                    var groups = rows[i].Neighbours.GroupBy(r => s[r]).Select(g => (Value: g.Key, Count: g.Count())).ToArray();
                    var most = groups.Max(g => g.Count);
                    var tied = groups.Where(g => g.Count == most).ToArray();
                    v[s.Length + i] = tied.Length == 1 ? tied[0].Value : tied[random.Next(tied.Length)].Value;
                }
                return new StringColumn(s.Name, v, s.Type);
            }
            default:
            {
                var s = (StringColumn)column;
                var v = new string?[n];
                s.Values.CopyTo(v);
                for (var i = 0; i < rows.Count; i++) v[s.Length + i] = s[rows[i].Base];
                return new StringColumn(s.Name, v, s.Type);
            }
        }
    }

    /// <summary>The feature space distances are measured in.</summary>
    private sealed class Space
    {
        private readonly Dictionary<string, double[]> _numbers = new(StringComparer.Ordinal);
        private readonly List<double[]> _continuous = [];
        private readonly List<StringColumn> _categorical = [];
        private double _penalty;

        public Space(Table features)
        {
            foreach (var column in features.Columns)
            {
                if (column is NumericColumn n)
                {
                    var values = n.Values.ToArray();
                    var present = values.Where(double.IsFinite).Order().ToArray();
                    var median = present.Length == 0 ? 0 : present[present.Length / 2];
                    for (var i = 0; i < values.Length; i++)
                    {
                        if (!double.IsFinite(values[i])) values[i] = median;
                    }
                    _numbers[n.Name] = values;
                    _continuous.Add(values);
                }
                else if (column is StringColumn { Type: ColumnType.Categorical } s) _categorical.Add(s);
            }
        }

        public double[] Filled(string name) => _numbers[name];

        /// <summary>SMOTE-NC: each categorical mismatch adds the squared median of the continuous features' standard deviations over <paramref name="rows"/>.</summary>
        public void UseCategoricalPenalty(int[] rows)
        {
            var sds = _continuous.Select(v =>
            {
                var mean = rows.Average(r => v[r]);
                return Math.Sqrt(rows.Sum(r => (v[r] - mean) * (v[r] - mean)) / rows.Length);
            }).Order().ToArray();
            var median = sds.Length == 0 ? 1 : sds.Length % 2 == 1 ? sds[sds.Length / 2] : (sds[sds.Length / 2 - 1] + sds[sds.Length / 2]) / 2;
            _penalty = median * median;
        }

        private double Distance2(int a, int b)
        {
            var d = 0.0;
            foreach (var v in _continuous) d += (v[a] - v[b]) * (v[a] - v[b]);
            foreach (var c in _categorical)
            {
                if (!string.Equals(c[a], c[b], StringComparison.Ordinal)) d += _penalty;
            }
            return d;
        }

        /// <summary>The <paramref name="k"/> rows of <paramref name="candidates"/> nearest to <paramref name="row"/> (itself excluded), nearest first, ties to the lower row.</summary>
        public int[] Nearest(int row, IEnumerable<int> candidates, int k) =>
            candidates.Where(r => r != row).Select(r => (r, d: Distance2(row, r))).OrderBy(x => x.d).ThenBy(x => x.r).Take(k).Select(x => x.r).ToArray();
    }
}
