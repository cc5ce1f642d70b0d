using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Pipeline.Spec;

namespace Keel.Pipeline;

/// <summary>Checks the spec's features section against the feature columns before any training: every named column exists
/// and every option fits its column's type.</summary>
public static class FeatureStep
{
    /// <summary>Throws when features.columns or features.crosses name a column that is not a feature, give an option its type lacks,
    /// or ask for more target-encoding folds than the <paramref name="trainRows"/> training rows.</summary>
    /// <exception cref="KeelInputException">Names the field, the column and what was expected.</exception>
    public static void Validate(KeelSpec spec, string specName, Table features, int trainRows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(features);
        if (spec.Features is not { } f) return;
        Column Need(string column, string field) => features.Contains(column)
            ? features[column]
            : throw new KeelInputException($"{specName} field '{field}': '{column}' is not a feature column; {ColumnNames.Hint(column, features.Columns.Select(c => c.Name), "feature columns")}.");
        foreach (var (name, transform) in f.Columns)
        {
            var column = Need(name, $"features.columns.{name}");
            var type = column.Type.ToString().ToLowerInvariant();
            var allowed = FeaturesSpecReader.OptionsByType.GetValueOrDefault(type) ?? [];
            var given = Given(transform).Where(o => !allowed.Contains(o)).ToArray();
            if (given.Length > 0)
                throw new KeelInputException($"{specName} field 'features.columns.{name}.{given[0]}': '{name}' is a {type} column, which takes {(allowed.Length == 0 ? "no options" : "only " + string.Join(", ", allowed))}.");
            var merged = new FeatureTransform().With(f.ByType.GetValueOrDefault(type)).With(transform);
            if (merged.Bins is not null && merged.Scale is not (null or "none"))
                throw new KeelInputException($"{specName} field 'features.columns.{name}': '{name}' gets both bins ({merged.Bins}) and scale ({merged.Scale}) from features.by_type.{type} and its own options; expected one of them (scale: none or a different bins).");
        }
        foreach (var column in features.Columns.Where(c => c.Type == ColumnType.Categorical))
        {
            var t = f.For(column.Name, column.Type);
            if (t.Encode == "target" && (t.Folds ?? 5) > trainRows)
                throw new KeelInputException($"{specName} field 'features.{(f.Columns.ContainsKey(column.Name) ? $"columns.{column.Name}" : "by_type.categorical")}.folds': target encoding of '{column.Name}' needs at least {t.Folds ?? 5} training rows for its folds, but the split has {trainRows}; expected fewer folds.");
        }
        for (var i = 0; i < f.Crosses.Count; i++)
        {
            foreach (var column in new[] { f.Crosses[i].First, f.Crosses[i].Second })
            {
                if (Need(column, $"features.crosses[{i}]").Type == ColumnType.Text)
                    throw new KeelInputException($"{specName} field 'features.crosses[{i}]': '{column}' is a text column; expected categorical, numeric, boolean or datetime columns.");
            }
        }
    }

    /// <summary>The spec names of the options set in <paramref name="t"/>.</summary>
    private static IEnumerable<string> Given(FeatureTransform t)
    {
        if (t.Impute is not null) yield return "impute";
        if (t.FillValue is not null) yield return "fill_value";
        if (t.MissingIndicator is not null) yield return "missing_indicator";
        if (t.Scale is not null) yield return "scale";
        if (t.Bins is not null && t.BinEdges is null) yield return "bins";
        if (t.BinCount is not null) yield return "n_bins";
        if (t.BinEdges is not null) yield return "edges";
        if (t.Encode is not null) yield return "encode";
        if (t.MinFrequency is not null) yield return "min_frequency";
        if (t.MaxCategories is not null) yield return "max_categories";
        if (t.Buckets is not null) yield return "buckets";
        if (t.Folds is not null) yield return "folds";
        if (t.Smoothing is not null) yield return "smoothing";
        if (t.Parts is not null) yield return "parts";
    }
}
