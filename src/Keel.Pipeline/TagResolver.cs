using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Evaluation.ErrorAnalysis;
using Keel.Evaluation.Slices;
using Keel.Training.Heuristics;

namespace Keel.Pipeline;

/// <summary>Turns tag specs into row masks over a table: slice values, boolean columns and rules.</summary>
internal static class TagResolver
{
    /// <summary>The tags over <paramref name="table"/>; <paramref name="field"/> names tag i in errors (e.g. "keel.yaml field
    /// 'evaluation.tags[2]'"), <paramref name="source"/> the data.</summary>
    /// <exception cref="KeelInputException">A tag names a missing column, a non-boolean column as a boolean tag, or a bad rule.</exception>
    public static IReadOnlyList<TagInput> Resolve(IReadOnlyList<TagSpec> tags, Table table, Func<int, string> field, string source)
    {
        var result = new List<TagInput>();
        var all = Enumerable.Range(0, table.RowCount).ToArray();
        for (var i = 0; i < tags.Count; i++)
        {
            var t = tags[i];
            var where = field(i);
            switch (t.Kind)
            {
                case "slice":
                    foreach (var segment in Slicer.Segments(Column(table, t.Value, where, source), all))
                    {
                        var mask = new bool[table.RowCount];
                        foreach (var r in segment.Rows) mask[r] = true;
                        result.Add(new TagInput($"{t.Value} = {segment.Value}", mask, t.Reference, t.Ease, t.Importance));
                    }
                    break;
                case "column":
                {
                    if (Column(table, t.Value, where, source) is not NumericColumn { Type: ColumnType.Boolean } b)
                        throw new KeelInputException($"{where}: column '{t.Value}' of {source} is {table[t.Value].Type.ToString().ToLowerInvariant()}; a column tag needs a boolean column (true marks the tag), or use slice: {t.Value}.");
                    result.Add(new TagInput(t.Value, all.Select(r => b[r] == 1).ToArray(), t.Reference, t.Ease, t.Importance));
                    break;
                }
                default:
                {
                    var (name, mask) = RuleMasks.Evaluate(t.Value, table, where, source);
                    result.Add(new TagInput(name, mask, t.Reference, t.Ease, t.Importance));
                    break;
                }
            }
        }
        return result;
    }

    private static Column Column(Table table, string name, string where, string source) => table.Contains(name) ? table[name]
        : throw new KeelInputException($"{where}: {source} has no column '{name}'; {ColumnNames.Hint(name, table)}.");
}
