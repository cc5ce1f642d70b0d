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

    [GeneratedRegex(@"^  trial \d ")]
    private static partial Regex TrialLine();
}
