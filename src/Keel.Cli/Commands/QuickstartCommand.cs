using Spectre.Console;
using System.CommandLine;

namespace Keel.Cli.Commands;

/// <summary>`keel quickstart`: writes the shipped credit_data sample and a spec next to the store, then runs it.</summary>
internal static class QuickstartCommand
{
    private const string Spec = """
        # The quickstart: credit_data (Debian r-cran-modeldata, MIT), 4454 loan applications, label Status (good/bad).
        experiment: quickstart-credit
        data:
          path: credit_data.csv
          label: Status
          positive_class: good
        split:
          strategy: stratified
          test_fraction: 0.2
          validation_fraction: 0.2
        models:
          - type: random
          - type: zero_rule
          - type: heuristic
            name: income_rule
            rules:
              - "Income < 90 and Records == yes -> bad"
          - type: linear
          - type: lightgbm
          - type: fasttree
          - type: fastforest
        metric: auc
        register:
          name: credit-risk
          alias: champion
          gates:
            - "beats: zero_rule"
            - "auc >= 0.75"
        seed: 42
        """;

    public static Command Build(CommandOptions o)
    {
        var json = CommandOptions.JsonOption();
        var command = new Command("quickstart", "Train on the shipped credit_data sample: leaderboard, registered model and an HTML report") { json };
        command.SetAction((result, ct) =>
        {
            var store = o.Store(result);
            var folder = Path.Combine(store.ResolveFolder(), "quickstart");
            Directory.CreateDirectory(folder);
            using (var sample = typeof(QuickstartCommand).Assembly.GetManifestResourceStream("samples/credit_data.csv")!)
            using (var file = File.Create(Path.Combine(folder, "credit_data.csv")))
            {
                sample.CopyTo(file);
            }
            var specPath = Path.Combine(folder, "keel.yaml");
            File.WriteAllText(specPath, Spec + "\n");
            if (!result.GetValue(json)) o.Context.Console.MarkupLineInterpolated($"Quickstart spec: {specPath}");
            return RunCommand.ExecuteAsync(o, specPath, result.GetValue(json), null, null, store, ct);
        });
        return command;
    }
}
