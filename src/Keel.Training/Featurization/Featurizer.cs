using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;

namespace Keel.Training.Featurization;

/// <summary>Learns a <see cref="FeaturizerState"/> from training rows and turns tables into dense feature rows.</summary>
internal static class Featurizer
{
    /// <summary>The date parts a date-time column can become, in feature order; every one is made unless options choose.</summary>
    /// <remarks>"minuteofday" (0-1439, a scheduled time of day) is made only when options name it, so packages saved before it
    /// (whose null date parts mean this list) keep their features.</remarks>
    public static IReadOnlyList<string> AllDateParts { get; } = ["year", "month", "day", "dayofweek", "dayofyear", "hour", "unix"];

    /// <summary>Learns imputation values, category slots and (optionally) standardisation from <paramref name="train"/> only;
    /// <paramref name="labels"/> (the train rows' labels) are needed only when a column is target encoded.</summary>
    public static FeaturizerState Fit(Table train, FeaturizerOptions options, EncodedLabels? labels = null) => FitTransform(train, options, labels).State;

    /// <summary>As <see cref="Fit"/>, with the training rows' features: target-encoded columns get out-of-fold encodings there.</summary>
    /// <exception cref="KeelInputException">A transform does not fit the column, or there are no feature columns.</exception>
    public static (FeaturizerState State, FeatureMatrix Rows) FitTransform(Table train, FeaturizerOptions options, EncodedLabels? labels = null)
    {
        var plans = new List<ColumnPlan>(train.Columns.Count);
        var names = new List<string>();
        var outOfFold = new Dictionary<string, double[][]>(StringComparer.Ordinal);
        var inputs = train.Columns.Select(c => (Column: c, Cross: (IReadOnlyList<string>?)null, Transform: Transforms.For(options, c)));
        var crosses = (options.Engineering?.Crosses ?? []).Select(x => ((Column)Transforms.Crossed(train, x.First, x.Second, x.Name), (IReadOnlyList<string>?)[x.First, x.Second], Transforms.Empty.With(x.Options)));
        foreach (var (column, cross, transform) in inputs.Concat(crosses))
        {
            var plan = column switch
            {
                NumericColumn n => PlanNumeric(n, names.Count, options, transform),
                StringColumn { Type: ColumnType.Text } s => new ColumnPlan(s.Name, s.Type, names.Count, options.TextHashBuckets, 0, false, null, options.TextHashBuckets),
                StringColumn s when transform.Encode == "target" => PlanTarget(s, names.Count, transform, labels, outOfFold),
                StringColumn s => PlanCategorical(s, names.Count, options, transform),
                _ => throw new ArgumentException($"Unsupported column kind for '{column.Name}'.", nameof(train)),
            };
            plan = plan with { Cross = cross };
            plans.Add(plan);
            AddNames(plan, names);
        }
        if (names.Count == 0)
            throw new KeelInputException("The data has no feature columns: every column is the label or ignored.");

        var state = new FeaturizerState(plans, names, null, null);
        var rows = TransformMatrix(state, train);
        foreach (var plan in plans.Where(p => p.Target is not null))
        {
            var encoded = outOfFold[plan.Name];
            for (var r = 0; r < rows.RowCount; r++) encoded[r].Select(v => (float)v).ToArray().CopyTo(rows.Dense(r, plan.Offset, plan.Width));
        }
        return (options.Standardize ? Standardised(state, rows) : state, rows);
    }

    /// <summary>One dense float row per table row; columns are matched by name.</summary>
    /// <exception cref="KeelInputException">An expected column is missing or has the wrong kind.</exception>
    public static float[][] Transform(FeaturizerState state, Table table) => TransformMatrix(state, table).ToJagged(state);

    /// <summary>The rows of <paramref name="table"/> in contiguous buffers, not standardised (readers standardise with the
    /// state's means and scales as they copy rows out); columns are matched by name.</summary>
    /// <exception cref="KeelInputException">An expected column is missing or has the wrong kind.</exception>
    public static FeatureMatrix TransformMatrix(FeaturizerState state, Table table)
    {
        var rows = new FeatureMatrix(state, table.RowCount);
        var group = 0;

        // Indexed, not foreach: an interface enumerator is an allocation per served request.
        for (var p = 0; p < state.Columns.Count; p++)
        {
            var plan = state.Columns[p];
            Column column;
            if (plan.Cross is { } cross) column = Transforms.Crossed(table, cross[0], cross[1], plan.Name);
            else if (!table.Contains(plan.Name))
                throw new KeelInputException($"The input has no column '{plan.Name}', which the model expects ({plan.Type}).");
            else column = table[plan.Name];
            switch (plan.Type)
            {
                case ColumnType.Numeric or ColumnType.Boolean or ColumnType.DateTime:
                    FillNumeric(plan, Expect<NumericColumn>(column, plan), rows);
                    break;
                case ColumnType.Text:
                    FillText(plan, Expect<StringColumn>(column, plan), rows);
                    break;
                case ColumnType.Categorical when plan.Target is not null:
                    FillTarget(plan, Expect<StringColumn>(column, plan), rows);
                    break;
                default:
                    FillCategorical(plan, Expect<StringColumn>(column, plan), rows, group++);
                    break;
            }
        }
        return rows;
    }

    /// <summary>Standardises one raw feature row in place with learned means and scales.</summary>
    public static void Standardise(Span<float> row, double[] means, double[] scales)
    {
        for (var j = 0; j < row.Length; j++) row[j] = (float)((row[j] - means[j]) / scales[j]);
    }

    private static T Expect<T>(Column column, ColumnPlan plan) where T : Column =>
        column as T ?? throw new KeelInputException(
            $"Column '{plan.Name}': the model expects {plan.Type} values, got a {column.Type} column.");

    private static ColumnPlan PlanNumeric(NumericColumn column, int offset, FeaturizerOptions options, FeatureTransform transform)
    {
        var values = column.Values;
        // Infinities are values, not missing: they are left out of the fill and become the finite train extremes.
        var finite = new double[values.Length];
        var n = 0;
        var missing = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v)) finite[n++] = v;
            else if (double.IsNaN(v)) missing++;
        }
        var present = finite.AsSpan(0, n);
        present.Sort();
        var fill = ColumnStatistics.Fill(transform.Impute, present, transform.FillValue ?? 0);
        var (min, max) = n == 0 ? (0d, 0d) : (present[0], present[^1]);
        var parts = column.Type == ColumnType.DateTime ? options.DateParts.GetValueOrDefault(column.Name) ?? transform.Parts ?? AllDateParts : null;
        var indicator = transform.MissingIndicator ?? missing > 0;
        var width = (parts?.Count ?? 1) + (indicator ? 1 : 0);
        var plan = new ColumnPlan(column.Name, column.Type, offset, width, fill, indicator, null, 0, parts, min, max, Impute: transform.Impute,
            WeekStartsMonday: column.Type == ColumnType.DateTime);
        if (column.Type == ColumnType.DateTime || (transform.Scale is null or "none" && transform.Bins is null)) return plan;
        // Scalers and bins see the imputed training values, as in a scikit-learn Pipeline(SimpleImputer, scaler).
        var sorted = ColumnStatistics.Imputed(values, fill, min, max);
        return transform.Bins is { } bins
            ? plan with { Bins = bins, BinEdges = Transforms.BinEdges(bins, sorted, transform, column.Name) }
            : Transforms.Scaled(plan, transform.Scale!, sorted);
    }

    private static ColumnPlan PlanCategorical(StringColumn column, int offset, FeaturizerOptions options, FeatureTransform transform)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in column.Values)
        {
            if (v is null) continue;
            counts[v] = counts.GetValueOrDefault(v) + 1;
        }
        if (transform.Encode == "hash" || (transform.Encode is null && counts.Count > options.HashingThreshold))
        {
            // Too many distinct values for one-hot (or hashing asked for): hash buckets plus a slot for missing.
            var buckets = transform.Buckets ?? options.CategoryHashBuckets;
            return new ColumnPlan(column.Name, column.Type, offset, buckets + 1, 0, false, null, buckets, Encoding: transform.Encode);
        }
        var kept = counts.Where(kv => kv.Value >= (transform.MinFrequency ?? options.MinCategoryCount))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(transform.MaxCategories ?? options.MaxCategories).Select(kv => kv.Key).ToArray();
        return new ColumnPlan(column.Name, column.Type, offset, kept.Length + 2, 0, false, kept, 0, Encoding: transform.Encode);
    }

    private static ColumnPlan PlanTarget(StringColumn column, int offset, FeatureTransform transform, EncodedLabels? labels, Dictionary<string, double[][]> outOfFold)
    {
        if (labels is null || labels.Count != column.Length)
            throw new InvalidOperationException($"Target encoding of '{column.Name}' needs the labels of the training rows.");
        var (targets, outputs) = TargetEncoder.Targets(labels);
        var folds = transform.Folds ?? 5;
        var (values, prior) = TargetEncoder.Fit(column.Values, targets, transform.Smoothing);
        outOfFold[column.Name] = TargetEncoder.OutOfFold(column.Values, targets, folds, transform.Smoothing, column.Name);
        return new ColumnPlan(column.Name, column.Type, offset, outputs.Count, 0, false, null, 0, Encoding: "target",
            Target: new TargetEncoding(values, prior, folds, transform.Smoothing, outputs));
    }

    private static void AddNames(ColumnPlan plan, List<string> names)
    {
        switch (plan.Type)
        {
            case ColumnType.Numeric or ColumnType.Boolean:
                names.Add(plan.Name);
                break;
            case ColumnType.DateTime:
                foreach (var part in plan.DateParts ?? AllDateParts) names.Add($"{plan.Name}__{part}");
                break;
            case ColumnType.Text:
                for (var b = 0; b < plan.HashBuckets; b++) names.Add($"{plan.Name}#{b}");
                return;
            case ColumnType.Categorical when plan.Target is { } target:
                foreach (var o in target.Outputs) names.Add($"{plan.Name}__{o}");
                return;
            default:
                if (plan.Categories is { } cats)
                {
                    foreach (var c in cats) names.Add($"{plan.Name}={c}");
                    names.Add($"{plan.Name}=__other");
                }
                else
                {
                    for (var b = 0; b < plan.HashBuckets; b++) names.Add($"{plan.Name}#{b}");
                }
                names.Add($"{plan.Name}=__missing");
                return;
        }
        if (plan.MissingIndicator) names.Add($"{plan.Name}__missing");
    }

    private static void FillNumeric(ColumnPlan plan, NumericColumn column, FeatureMatrix rows)
    {
        var values = column.Values;
        var o = plan.Offset;
        var isDate = plan.Type == ColumnType.DateTime;
        var parts = plan.DateParts ?? AllDateParts;
        var indicator = plan.MissingIndicator ? o + plan.Width - 1 : -1;
        for (var r = 0; r < rows.RowCount; r++)
        {
            var v = values[r];
            var row = rows.Dense(r, o, plan.Width);
            if (double.IsNaN(v))
            {
                v = plan.Fill;
                if (indicator >= 0) row[indicator - o] = 1;
            }
            if (!isDate)
            {
                row[0] = plan.BinEdges is { } edges ? Transforms.Bin(edges, v) : ToFeature(plan.Scale is null ? v : Transforms.Scale(v, plan), plan);
                continue;
            }
            var t = DateTimeOffset.UnixEpoch.AddSeconds(Math.Clamp(v, -62135596800d, 253402300799d));
            for (var j = 0; j < parts.Count; j++) row[j] = DatePart(parts[j], t, v, plan.WeekStartsMonday);
        }
    }

    /// <summary>A finite float: infinities become the train extremes, values beyond float's range its largest value.</summary>
    internal static float ToFeature(double v, ColumnPlan plan)
    {
        if (double.IsPositiveInfinity(v)) v = plan.Max;
        else if (double.IsNegativeInfinity(v)) v = plan.Min;
        return (float)Math.Clamp(v, float.MinValue, float.MaxValue);
    }

    private static float DatePart(string part, DateTimeOffset t, double unix, bool weekStartsMonday) => part switch
    {
        "year" => t.Year,
        "month" => t.Month,
        "day" => t.Day,
        "dayofweek" => weekStartsMonday ? ((int)t.DayOfWeek + 6) % 7 : (int)t.DayOfWeek,
        "dayofyear" => t.DayOfYear,
        "hour" => t.Hour,
        "minute" => t.Minute,
        "quarter" => (t.Month + 2) / 3,
        "weekend" => t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1 : 0,
        "minuteofday" => t.Hour * 60 + t.Minute,
        _ => (float)unix,
    };

    private static void FillCategorical(ColumnPlan plan, StringColumn column, FeatureMatrix rows, int group)
    {
        var values = column.Values;
        var o = plan.Offset;
        var missingSlot = o + plan.Width - 1;
        if (plan.Categories is null)
        {
            var buckets = (uint)plan.HashBuckets;
            for (var r = 0; r < rows.RowCount; r++)
            {
                var v = values[r];
                rows.SetHot(r, group, v is null ? missingSlot : o + (int)(StableHash.Of(v) % buckets));
            }
            return;
        }
        var slots = CategorySlots.GetValue(plan, CategoryIndex);
        var otherSlot = o + plan.Categories.Count;
        for (var r = 0; r < rows.RowCount; r++)
        {
            var v = values[r];
            rows.SetHot(r, group, v is null ? missingSlot : slots.TryGetValue(v, out var i) ? o + i : otherSlot);
        }
    }

    // A served model featurises one request at a time: each plan's category index is built once and shared (read-only).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ColumnPlan, Dictionary<string, int>> CategorySlots = new();

    private static Dictionary<string, int> CategoryIndex(ColumnPlan plan)
    {
        var index = new Dictionary<string, int>(plan.Categories!.Count, StringComparer.Ordinal);
        for (var i = 0; i < plan.Categories.Count; i++) index[plan.Categories[i]] = i;
        return index;
    }

    private static void FillTarget(ColumnPlan plan, StringColumn column, FeatureMatrix rows)
    {
        var target = plan.Target!;
        var values = column.Values;
        for (var r = 0; r < rows.RowCount; r++)
        {
            var e = target.Values.GetValueOrDefault(values[r] ?? TargetEncoding.MissingKey, target.Prior);
            var span = rows.Dense(r, plan.Offset, plan.Width);
            for (var j = 0; j < span.Length; j++) span[j] = (float)e[j];
        }
    }

    private static void FillText(ColumnPlan plan, StringColumn column, FeatureMatrix rows)
    {
        var values = column.Values;
        for (var r = 0; r < rows.RowCount; r++)
        {
            if (values[r] is not { } text) continue;
            var span = rows.Dense(r, plan.Offset, plan.Width);
            StableHash.CountTokens(text, span);
            double sum = 0;
            foreach (var x in span) sum += x * x;
            if (sum == 0) continue;
            var inv = (float)(1 / Math.Sqrt(sum));
            for (var j = 0; j < span.Length; j++) span[j] *= inv;
        }
    }

    /// <summary><paramref name="state"/> (unstandardised) plus means and scales learned from its rows <paramref name="raw"/>.</summary>
    /// <remarks>Only numeric slots (numbers, Booleans, date parts) are scaled, as scikit-learn's StandardScaler on the numeric
    /// columns with plain one-hot categories; every slot is centred, which an intercept makes harmless.</remarks>
    public static FeaturizerState Standardised(FeaturizerState state, FeatureMatrix raw)
    {
        var width = raw.Width;
        var means = new double[width];
        var scales = new double[width];
        var sums = new double[width];
        var row = new float[width];
        for (var r = 0; r < raw.RowCount; r++)
        {
            raw.CopyRow(r, row);
            for (var j = 0; j < width; j++) sums[j] += row[j];
        }
        var n = Math.Max(1, raw.RowCount);
        for (var j = 0; j < width; j++) means[j] = sums[j] / n;
        for (var r = 0; r < raw.RowCount; r++)
        {
            raw.CopyRow(r, row);
            for (var j = 0; j < width; j++)
            {
                var d = row[j] - means[j];
                scales[j] += d * d;
            }
        }
        var numeric = NumericSlots(state);
        for (var j = 0; j < width; j++)
        {
            var sd = Math.Sqrt(scales[j] / n);
            scales[j] = numeric[j] && sd > 1e-12 ? sd : 1;
        }
        return state with { Means = means, Scales = scales };
    }

    private static bool[] NumericSlots(FeaturizerState state)
    {
        var numeric = new bool[state.FeatureNames.Count];
        foreach (var plan in state.Columns)
        {
            if (plan.Target is not null)
            {
                for (var j = 0; j < plan.Width; j++) numeric[plan.Offset + j] = true;
                continue;
            }
            if (plan.Type is not (ColumnType.Numeric or ColumnType.Boolean or ColumnType.DateTime)) continue;
            // The trailing missing indicator is a 0/1 slot like a one-hot category.
            var width = plan.MissingIndicator ? plan.Width - 1 : plan.Width;
            for (var j = 0; j < width; j++) numeric[plan.Offset + j] = true;
        }
        return numeric;
    }
}
