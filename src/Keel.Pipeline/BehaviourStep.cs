using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Evaluation.Behaviour;
using Keel.Pipeline.Evaluate;
using Keel.Training;

namespace Keel.Pipeline;

/// <summary>The behavioural tests of evaluation.tests, checked before training and run on the registered model.</summary>
internal static class BehaviourStep
{
    /// <summary>Checks every test's column (a numeric feature), class and case file before any training.</summary>
    public static void Validate(PreparedRun run, string specName)
    {
        var tests = run.Spec.Evaluation.Tests;
        for (var i = 0; i < tests.Count; i++)
        {
            var t = tests[i];
            var field = $"{specName} field 'evaluation.tests[{i}]'";
            if (t.Column is { } c)
            {
                if (!run.Features.Contains(c))
                    throw new KeelInputException($"{field}: '{c}' is not a feature column; expected one of: {string.Join(", ", run.Features.Columns.Select(x => x.Name))}.");
                if (run.Features[c] is not NumericColumn { Type: ColumnType.Numeric })
                    throw new KeelInputException($"{field}: column '{c}' is {run.Features[c].Type.ToString().ToLowerInvariant()}; {t.Type} tests change numbers, so expected a numeric column.");
            }
            if (t.Class is { } k && !run.Label.Labels.Classes.Contains(k))
                throw new KeelInputException($"{field}: class '{k}' is not a class of the label; expected one of: {string.Join(", ", run.Label.Labels.Classes)}.");
            if (t.Type == "directional" && t.Class is null && run.Task == TaskKind.Multiclass)
                throw new KeelInputException($"{field}: a directional test of a multiclass model needs class: NAME (whose probability must not move the wrong way).");
            if (t.File is { } file && !File.Exists(CaseFile(run, file)))
                throw new KeelInputException($"{field}: the case file '{CaseFile(run, file)}' does not exist.");
        }
    }

    /// <summary>Runs every test on <paramref name="model"/>: perturbations of <paramref name="features"/> (the test rows, whose predictions
    /// are <paramref name="predictions"/>), and the case files.</summary>
    public static IReadOnlyList<BehaviourResult> Run(PreparedRun run, IFittedModel model, Table features, Predictions predictions)
    {
        var tests = run.Spec.Evaluation.Tests;
        var results = new List<BehaviourResult>();
        for (var i = 0; i < tests.Count; i++)
        {
            var t = tests[i];
            if (t.File is { } file)
            {
                var (_, cases, expected) = LabelledFile.Read(CaseFile(run, file), run, model, [], $"evaluation.tests[{i}]");
                results.Add(BehaviourTests.Minimum(t, expected, model.Predict(cases)));
            }
            else
            {
                results.Add(BehaviourTests.Perturbation(t, features, predictions, model.Predict, (ulong)(run.Seed + i)));
            }
        }
        return results;
    }

    private static string CaseFile(PreparedRun run, string file) => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(run.SpecPath)!, file));
}
