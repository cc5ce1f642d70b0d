using Keel.Core;
using Keel.Core.Spec;
using Keel.Evaluation.ErrorAnalysis;
using Keel.Pipeline.Spec;
using Keel.Tracking;

namespace Keel.Pipeline.Evaluate;

/// <summary>The result of <c>keel analyze</c>; also what <c>--json</c> prints.</summary>
/// <param name="RunId">The run analysed.</param>
/// <param name="Model">The run's selected model (as registered or final).</param>
/// <param name="Rows">Test rows.</param>
/// <param name="Tags">Per tag, highest priority first.</param>
public sealed record AnalyzeOutcome(string RunId, string Model, int Rows, IReadOnlyList<TagResult> Tags);

/// <summary>Error analysis by tags of a run's model on its test split (read again): <c>keel analyze RUN --tags FILE</c>. Reads only.</summary>
/// <param name="store">Where the run is.</param>
public sealed class TagErrorAnalysis(KeelStore store)
{
    /// <summary>Most values a categorical input column may have to be sliced by default (more reads as an identifier or free text).</summary>
    public const int DefaultSliceValues = 20;

    /// <summary>Analyses run <paramref name="runId"/> with the tags of <paramref name="tagsFile"/> (YAML: <c>tags:</c> and a list, as
    /// evaluation.tags); without a file, with the spec's evaluation.tags, else a slice per input column (numbers by quartile bins,
    /// categories with at most <see cref="DefaultSliceValues"/> values).</summary>
    /// <exception cref="KeelInputException">The file is missing or malformed, or a tag names a missing column or a bad rule (the message names the file and item).</exception>
    public async Task<AnalyzeOutcome> ExecuteAsync(string runId, string? tagsFile, CancellationToken ct)
    {
        var fromFile = tagsFile is null ? null : ReadTagsFile(tagsFile);
        var source = await EvaluationSource.LoadAsync(store, runId, ct);
        var prepared = source.Prepared;
        var test = await source.SplitRowsAsync(store, "test", ct);
        var rows = prepared.Table.Take(test);
        var truth = prepared.Label.Labels.Take(test);
        var specName = Path.GetFileName(prepared.SpecPath);
        var (tags, field) = fromFile is not null ? (fromFile, (Func<int, string>)(i => $"{Path.GetFileName(tagsFile!)} field 'tags[{i}]'"))
            : prepared.Spec.Evaluation.Tags.Count > 0 ? (prepared.Spec.Evaluation.Tags, i => $"{specName} field 'evaluation.tags[{i}]'")
            : (DefaultTags(prepared), i => $"default tag {i}");
        var inputs = TagResolver.Resolve(tags, rows, field, Path.GetFileName(prepared.Data.Path));
        var others = source.Others.Select(o => (o.Name, o.Model.Predict(rows))).ToArray();
        return new AnalyzeOutcome(source.Run.Id, source.Selected, truth.Count, TagAnalysis.Analyze(truth, source.Model.Predict(rows), others, inputs));
    }

    /// <summary>A slice per input column: every numeric or boolean one, and categorical ones of at most <see cref="DefaultSliceValues"/> values.</summary>
    private static IReadOnlyList<TagSpec> DefaultTags(PreparedRun run) =>
        run.Features.Columns
            .Where(c => run.Table.Contains(c.Name) && (c is Keel.Core.Data.NumericColumn
                || Enumerable.Range(0, c.Length).Where(r => !c.IsMissing(r)).Select(c.Format).Distinct().Take(DefaultSliceValues + 1).Count() <= DefaultSliceValues))
            .Select(c => new TagSpec("slice", c.Name)).ToArray();

    /// <summary>The tags of a tags file.</summary>
    public static IReadOnlyList<TagSpec> ReadTagsFile(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new KeelInputException($"--tags: the file '{path}' does not exist.");
        var (f, root) = YamlFields.Load(File.ReadAllText(path), name, "the file is empty; expected 'tags:' and a list of tags");
        var k = f.Keys(root, "", "tags");
        if (!k.TryGetValue("tags", out var list)) throw f.Error(root, "tags", "missing; expected a list of tags");
        return EvaluationSpecReader.ReadTags(f, list, "tags");
    }
}
