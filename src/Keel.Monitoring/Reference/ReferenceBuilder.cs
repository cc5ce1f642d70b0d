using Keel.Core.Data;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Reference;

/// <summary>Builds a <see cref="ReferenceProfile"/> from columns of a table (the model's training rows and its outputs).</summary>
public static class ReferenceBuilder
{
    /// <summary>Profiles <paramref name="inputs"/> (role input) and <paramref name="outputs"/> (role output) of the same reference rows.</summary>
    public static ReferenceProfile Build(IEnumerable<Column> inputs, IEnumerable<Column> outputs, string source, ReferenceOptions? options = null)
    {
        var o = (options ?? new ReferenceOptions()).Validate();
        var columns = new List<ColumnReference>();
        long rows = 0;
        foreach (var c in inputs)
        {
            columns.Add(Profile(c, ColumnRole.Input, o));
            rows = c.Length;
        }
        foreach (var c in outputs) columns.Add(Profile(c, ColumnRole.Output, o));
        return new ReferenceProfile { Rows = rows, Source = source, MaxSample = o.MaxSample, Columns = columns };
    }

    /// <summary>The kind a column of this type is compared as.</summary>
    public static ColumnKind KindOf(ColumnType type) => type switch
    {
        ColumnType.Numeric => ColumnKind.Numeric,
        ColumnType.Categorical or ColumnType.Boolean => ColumnKind.Categorical,
        _ => ColumnKind.Other,
    };

    /// <summary>The profile of one column.</summary>
    public static ColumnReference Profile(Column column, ColumnRole role, ReferenceOptions options)
    {
        var kind = KindOf(column.Type);
        var missing = column.MissingCount();
        var count = column.Length - missing;
        var r = new ColumnReference
        {
            Name = column.Name, Role = role, Kind = kind, Type = column.Type.ToString().ToLowerInvariant(), Count = count, Missing = missing,
        };
        if (kind == ColumnKind.Numeric && column is NumericColumn n) return ProfileNumeric(r, n, options);
        if (kind == ColumnKind.Categorical) return r with { Counts = CategoryCounts(column) };
        return r;
    }

    private static ColumnReference ProfileNumeric(ColumnReference r, NumericColumn column, ReferenceOptions options)
    {
        var sorted = NonMissingSorted(column.Values);
        if (sorted.Length == 0) return r;
        double sum = 0;
        foreach (var v in sorted) sum += v;
        var mean = sum / sorted.Length;
        double ss = 0;
        foreach (var v in sorted) ss += (v - mean) * (v - mean);
        var edges = Psi.Edges(sorted);
        return r with
        {
            Min = sorted[0], Max = sorted[^1], Mean = mean, Std = Math.Sqrt(ss / sorted.Length),
            Sample = SortedSample(sorted, options.MaxSample, options.Seed),
            PsiEdges = edges, PsiProportions = Psi.Proportions(sorted, edges),
        };
    }

    /// <summary>The non-missing values, ascending.</summary>
    public static double[] NonMissingSorted(ReadOnlySpan<double> values)
    {
        var n = 0;
        foreach (var v in values) if (!double.IsNaN(v)) n++;
        var a = new double[n];
        var i = 0;
        foreach (var v in values) if (!double.IsNaN(v)) a[i++] = v;
        Array.Sort(a);
        return a;
    }

    /// <summary>At most <paramref name="max"/> values of an ascending array, chosen uniformly with a seeded generator, ascending.</summary>
    public static double[] SortedSample(double[] sorted, int max, int seed)
    {
        if (sorted.Length <= max) return sorted;
        // Partial Fisher–Yates over positions: the first max positions of the shuffle are a uniform sample without replacement.
        var positions = new int[sorted.Length];
        for (var i = 0; i < positions.Length; i++) positions[i] = i;
        var random = new Random(seed);
        for (var i = 0; i < max; i++)
        {
            var j = random.Next(i, positions.Length);
            (positions[i], positions[j]) = (positions[j], positions[i]);
        }
        Array.Sort(positions, 0, max);
        var sample = new double[max];
        for (var i = 0; i < max; i++) sample[i] = sorted[positions[i]];
        return sample;
    }

    /// <summary>Category → count of a categorical or boolean column (booleans as "true"/"false"; numbers formatted invariantly).</summary>
    public static Dictionary<string, long> CategoryCounts(Column column)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if (column is StringColumn s)
        {
            foreach (var v in s.Values)
            {
                if (v is null) continue;
                ref var c = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, v, out _);
                c++;
            }
            return counts;
        }
        for (var i = 0; i < column.Length; i++)
        {
            if (column.IsMissing(i)) continue;
            var key = column.Format(i);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

}
