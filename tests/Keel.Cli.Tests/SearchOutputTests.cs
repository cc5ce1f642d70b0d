using System.Text.RegularExpressions;

namespace Keel.Cli.Tests;

/// <summary>What `keel search` prints as its trials end.</summary>
public sealed partial class SearchOutputTests
{
    [Fact]
    public async Task Search_TrialLines_RoundsOnlyForFamiliesThatBoost()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", "data: {path: credit_data.csv, label: Status}\n" +
            "models:\n  - {type: linear}\n  - {type: lightgbm, options: {number_of_iterations: 20}}\n" +
            "search:\n  trials: 2\n  pruner: none\n  sampler: random\n");

        var search = await h.RunAsync("search", "keel.yaml");

        Assert.Equal(0, search.Exit);
        var lines = search.Console.Split('\n').Where(l => TrialLine().IsMatch(l)).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"trial \d linear: complete 0\.\d+, \d+\.\d s ", Assert.Single(lines, l => l.Contains(" linear:", StringComparison.Ordinal)));
        Assert.Matches(@"trial \d lightgbm: complete 0\.\d+ after \d+ rounds, \d+\.\d s ", Assert.Single(lines, l => l.Contains(" lightgbm:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Search_ResumedStudy_TrialLinesCountTheWholeStudyAndNameItsBestTrial_FinalStepsEachALine()
    {
        using var h = new CliHarness();
        h.CopySample("credit_data.csv");
        h.Write("keel.yaml", "data: {path: credit_data.csv, label: Status}\nmodels:\n  - {type: linear}\n" +
            "search:\n  trials: 2\n  pruner: none\n  sampler: random\n");
        var first = await h.RunAsync("search", "keel.yaml");
        Assert.Equal(0, first.Exit);

        // The second process raises the plan to 4: its trials are the study's 3rd and 4th, and the best may be one the first ran.
        var second = await h.RunAsync("search", "keel.yaml", "--trials", "4");

        Assert.Equal(0, second.Exit);
        var ended = Trials(first.Console).Concat(Trials(second.Console)).ToArray();
        Assert.Equal([0, 1, 2, 3], ended.Select(t => t.Number).Order());
        var lines = second.Console.Split('\n').Where(l => TrialLine().IsMatch(l)).ToArray();
        var best = ended.Take(3).MaxBy(t => t.Value);
        Assert.Contains($"(study: 3/4 ended, best {best.Value:0.####} (trial {best.Number}))", lines[0], StringComparison.Ordinal);
        Assert.Contains("(study: 4/4 ended, best ", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  final: train linear done, \d+\.\d s\r?$", second.Console);
        Assert.Matches(@"(?m)^  final: register done, \d+\.\d s\r?$", second.Console);
    }

    private static IEnumerable<(int Number, double Value)> Trials(string console) =>
        TrialValue().Matches(console).Select(m => (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"(?m)^  trial (\d+) linear: complete (0\.\d+),")]
    private static partial Regex TrialValue();

    [GeneratedRegex(@"^  trial \d ")]
    private static partial Regex TrialLine();
}
