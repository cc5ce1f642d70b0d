using System.Globalization;
using Keel.Core.Data;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Drift;

/// <summary>Compares one window of current data with a reference profile, column by column.</summary>
public static class DriftAnalyzer
{
    /// <summary>
    /// The drift of <paramref name="window"/> against <paramref name="reference"/>. Columns in <paramref name="ignore"/> (the time
    /// column, a request id) are neither compared nor reported as new. A changed schema gives findings, never an exception.
    /// </summary>
    public static WindowDrift Compare(ReferenceProfile reference, Table window, string label, DriftOptions? options = null, IReadOnlySet<string>? ignore = null)
    {
        var o = options ?? new DriftOptions();
        var findings = new List<SchemaFinding>();
        var columns = new List<ColumnDrift>();
        foreach (var r in reference.Columns)
        {
            if (ignore?.Contains(r.Name) == true) continue;
            if (!window.Contains(r.Name))
            {
                // A window without rows (no requests in it) has no schema to compare; its columns are not missing.
                if (window.RowCount > 0)
                    findings.Add(new SchemaFinding(r.Name, "missing_column", $"the reference has {r.Type} column '{r.Name}'; the window has no such column"));
                continue;
            }
            columns.Add(CompareColumn(r, window[r.Name], o, findings));
        }
        foreach (var c in window.Columns)
        {
            if (reference.Find(c.Name) is null && ignore?.Contains(c.Name) != true && !reference.OtherColumns.Contains(c.Name))
                findings.Add(new SchemaFinding(c.Name, "new_column", $"column '{c.Name}' ({Lower(c.Type)}) is not in the reference"));
        }
        var judged = columns.Where(c => c.Rule is not null).ToArray();
        var share = judged.Length == 0 ? 0 : (double)judged.Count(c => c.Drifted) / judged.Length;
        var figures = new WindowFigures();
        figures.Set("rows", window.RowCount);
        figures.Set("drift_share", share);
        foreach (var c in columns) AddFigures(figures, c);
        foreach (var f in findings.Where(f => f.Kind is "missing_column" or "all_missing")) figures.Set("missing_rate", f.Column, 1.0);
        return new WindowDrift { Window = label, Rows = window.RowCount, Columns = columns, Findings = findings, DriftShare = share, Figures = figures };
    }

    /// <summary>The per-column figures a window has, as STAT(column): what alert rules may name.</summary>
    public static IReadOnlyList<string> ColumnFigureNames { get; } =
        ["psi", "ks", "ks_p", "wasserstein", "wasserstein_norm", "js", "js_p", "chi2", "chi2_p", "missing_rate", "unseen_rate", "out_of_range_rate", "drifted"];

    private static void AddFigures(WindowFigures f, ColumnDrift c)
    {
        var n = c.Column;
        f.Set("missing_rate", n, c.MissingRate);
        void Opt(string name, double? v) { if (v is { } x) f.Set(name, n, x); }
        Opt("out_of_range_rate", c.OutOfRangeRate);
        Opt("unseen_rate", c.UnseenRate);
        Opt("ks", c.Ks);
        Opt("ks_p", c.KsP);
        Opt("wasserstein", c.Wasserstein);
        Opt("wasserstein_norm", c.WassersteinNorm);
        Opt("psi", c.Psi);
        Opt("chi2", c.Chi2);
        Opt("chi2_p", c.Chi2P);
        Opt("js", c.Js);
        Opt("js_p", c.JsP);
        if (c.Rule is not null) f.Set("drifted", n, c.Drifted ? 1 : 0);
    }

    private static ColumnDrift CompareColumn(ColumnReference r, Column c, DriftOptions o, List<SchemaFinding> findings)
    {
        var missing = c.MissingCount();
        var basic = new ColumnDrift
        {
            Column = r.Name, Role = Lower(r.Role), Kind = Lower(r.Kind), Values = c.Length - missing,
            MissingRate = c.Length == 0 ? 0 : (double)missing / c.Length, ReferenceMissingRate = r.MissingRate,
        };
        if (c.Length > 0 && missing == c.Length)
        {
            findings.Add(new SchemaFinding(r.Name, "all_missing", $"every value of '{r.Name}' in the window is missing (reference: {r.MissingRate:P1} missing)"));
            return basic;
        }
        switch (r.Kind)
        {
            case ColumnKind.Numeric when c is NumericColumn n && c.Type != ColumnType.DateTime:
                return Judge(Numeric(basic, r, n), r, o);
            case ColumnKind.Numeric:
                findings.Add(new SchemaFinding(r.Name, "type_change", $"'{r.Name}' was numeric in the reference; the window holds {Lower(c.Type)} values"));
                return basic;
            case ColumnKind.Categorical:
                // Numbers or text where categories were are still compared as categories (by their text); timestamps are not.
                if (c.Type == ColumnType.DateTime)
                    findings.Add(new SchemaFinding(r.Name, "type_change", $"'{r.Name}' was {r.Type} in the reference; the window holds {Lower(c.Type)} values (compared as categories)"));
                return Judge(Categorical(basic, r, c), r, o);
            default:
                if (Lower(c.Type) != r.Type)
                    findings.Add(new SchemaFinding(r.Name, "type_change", $"'{r.Name}' was {r.Type} in the reference; the window holds {Lower(c.Type)} values"));
                return basic;
        }
    }

    private static ColumnDrift Numeric(ColumnDrift d, ColumnReference r, NumericColumn c)
    {
        if (r.Sample is not { Length: > 0 } sample || d.Values == 0) return d;
        var cur = ReferenceBuilder.NonMissingSorted(c.Values);
        var (ks, w) = TwoSample.KsAndWasserstein(sample, cur);
        var below = Psi.UpperBound(cur, Math.BitDecrement(r.Min!.Value));
        var above = cur.Length - Psi.UpperBound(cur, r.Max!.Value);
        var edges = r.PsiEdges ?? [];
        var refShare = r.PsiProportions ?? Psi.Proportions(sample, edges);
        var curShare = Psi.Proportions(cur, edges);
        return d with
        {
            Ks = ks.Statistic, KsP = ks.PValue, Wasserstein = w,
            WassersteinNorm = r.Std is > 0 ? w / r.Std.Value : null,
            Psi = Psi.Index(refShare, curShare),
            OutOfRangeRate = (double)(below + above) / cur.Length,
            Reference = refShare, Current = curShare, Bins = BinLabels(edges),
        };
    }

    private static string[] BinLabels(double[] edges)
    {
        string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        var labels = new string[edges.Length + 1];
        for (var i = 0; i <= edges.Length; i++)
            labels[i] = i == 0 ? $"≤ {F(edges[0])}" : i == edges.Length ? $"> {F(edges[^1])}" : $"{F(edges[i - 1])}–{F(edges[i])}";
        return edges.Length == 0 ? ["all"] : labels;
    }

    private static ColumnDrift Categorical(ColumnDrift d, ColumnReference r, Column c)
    {
        var refCounts = r.Counts ?? new Dictionary<string, long>();
        var cur = ReferenceBuilder.CategoryCounts(c);
        if (d.Values == 0 || refCounts.Count == 0) return d;
        // Categories of the reference in its order, then the window's new ones, sorted, so the table is stable.
        var categories = refCounts.Keys.Order(StringComparer.Ordinal).Concat(cur.Keys.Where(k => !refCounts.ContainsKey(k)).Order(StringComparer.Ordinal)).ToArray();
        var rc = categories.Select(k => refCounts.GetValueOrDefault(k)).ToArray();
        var cc = categories.Select(k => cur.GetValueOrDefault(k)).ToArray();
        long unseen = 0;
        foreach (var (k, v) in cur) if (!refCounts.ContainsKey(k)) unseen += v;
        var chi = CategoricalStatistics.ChiSquare(rc, cc);
        var rp = CategoricalStatistics.Proportions(rc);
        var cp = CategoricalStatistics.Proportions(cc);
        return d with
        {
            Chi2 = chi.Statistic, Chi2P = chi.PValue, Js = CategoricalStatistics.JensenShannon(rp, cp), Psi = Psi.Index(rp, cp), Counts = (rc, cc),
            UnseenRate = (double)unseen / d.Values, Reference = rp, Current = cp, Bins = categories,
        };
    }

    private static ColumnDrift Judge(ColumnDrift d, ColumnReference r, DriftOptions o)
    {
        var rule = o.RuleFor(r.Name, r.Kind, d.Values);
        // The permutation test costs draws; it is run where the verdict reads it: a rule on js_p, or js above its threshold.
        if (d.Counts is var (rc, cc) && d.Js is { } js
            && (rule.Statistic == "js_p" || (rule.And?.Statistic == "js_p" && rule.Statistic == "js" && rule.Crossed(js))))
        {
            d = d with
            {
                JsP = d.Values <= CategoricalStatistics.PermutationMaxValues ? CategoricalStatistics.JensenShannonPValue(rc, cc, js) : d.Chi2P,
            };
        }
        if (Read(d, rule.Statistic) is not { } s || double.IsNaN(s)) return d;
        var drifted = rule.Crossed(s);
        // A guard that cannot be computed (one category on both sides) leaves the distance alone to decide.
        if (rule.And is { } and && Read(d, and.Statistic) is { } g && !double.IsNaN(g)) drifted &= and.Crossed(g);
        return d with { Rule = rule.ToString(), Score = s, Drifted = drifted };
    }

    private static double? Read(ColumnDrift d, string statistic) => statistic switch
    {
        "ks" => d.Ks, "ks_p" => d.KsP, "wasserstein" => d.Wasserstein, "wasserstein_norm" => d.WassersteinNorm ?? d.Wasserstein,
        "psi" => d.Psi, "js" => d.Js, "js_p" => d.JsP, "chi2_p" => d.Chi2P, "unseen_rate" => d.UnseenRate, "missing_rate" => d.MissingRate,
        "out_of_range_rate" => d.OutOfRangeRate, _ => null,
    };

    internal static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
