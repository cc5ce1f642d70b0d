using System.Globalization;
using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary>`keel predict --explain`: each row's largest per-column contributions as extra columns.</summary>
public sealed class PredictExplainTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    private async Task TrainAsync(string type)
    {
        _h.CopySample("credit_data.csv");
        _h.Write("keel.yaml", $"data: {{path: credit_data.csv, label: Status, positive_class: bad}}\nmodels: [{type}]\nevaluation: {{bootstrap: 0, importance_repeats: 0}}\nregister: {{name: credit-risk, alias: champion}}\nseed: 5\n");
        var run = await _h.RunAsync("run", "keel.yaml");
        Assert.True(run.Exit == 0, run.Error);
    }

    [Fact]
    public async Task Predict_LinearWithEveryContribution_LogOddsLessTheirSumIsTheSameForEveryRow()
    {
        await TrainAsync("linear");

        var r = await _h.RunAsync("predict", "--model", "credit-risk@champion", "--input", "credit_data.csv", "--output", "out.csv", "--explain", "--explain-top", "50");

        Assert.True(r.Exit == 0, r.Error);
        var lines = File.ReadAllLines(Path.Combine(_h.Folder, "out.csv"));
        var header = lines[0].Split(',');
        Assert.Equal(["row", "predicted", "p_good", "p_bad", "top1_column", "top1_contribution"], header[..6]);
        var features = header.Count(h => h.EndsWith("_column", StringComparison.Ordinal));
        Assert.Equal(13, features); // every feature column of credit_data (clamped from 50)
        var biases = new List<double>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var p = double.Parse(cells[3], CultureInfo.InvariantCulture);
            var contributions = Enumerable.Range(0, features).Select(i => double.Parse(cells[5 + 2 * i], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(contributions.OrderByDescending(Math.Abs), contributions);
            if (p is > 0.05 and < 0.95) biases.Add(Math.Log(p / (1 - p)) - contributions.Sum());
        }
        Assert.True(biases.Count > 1000);
        Assert.True(biases.Max() - biases.Min() < 1e-4, $"log-odds less contributions ranges over [{biases.Min()}, {biases.Max()}]");
    }

    [Fact]
    public async Task Predict_TreeModelJsonLines_TopTwoColumnsPerRow()
    {
        await TrainAsync("fasttree");

        var r = await _h.RunAsync("predict", "--model", "credit-risk@champion", "--input", "credit_data.csv", "--output", "out.jsonl", "--explain", "--explain-top", "2");

        Assert.True(r.Exit == 0, r.Error);
        var first = JsonDocument.Parse(File.ReadLines(Path.Combine(_h.Folder, "out.jsonl")).First()).RootElement;
        Assert.False(first.TryGetProperty("top3_column", out _));
        Assert.Contains(first.GetProperty("top1_column").GetString(), new[] { "Seniority", "Home", "Time", "Age", "Marital", "Records", "Job", "Expenses", "Income", "Assets", "Debt", "Amount", "Price" });
        Assert.True(Math.Abs(first.GetProperty("top1_contribution").GetDouble()) >= Math.Abs(first.GetProperty("top2_contribution").GetDouble()));
    }

    [Fact]
    public async Task Predict_ExplainBaselineModel_Exit1NamingTheTypeAndNothingWritten()
    {
        await TrainAsync("zero_rule");

        var r = await _h.RunAsync("predict", "--model", "credit-risk@champion", "--input", "credit_data.csv", "--output", "out.csv", "--explain");

        Assert.Equal(1, r.Exit);
        Assert.Contains("is of type 'zero_rule'", r.Error, StringComparison.Ordinal);
        Assert.Contains("linear and tree models", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_h.Folder, "out.csv")));
    }

    [Fact]
    public async Task Predict_OutputIsTheInputOrAFolder_Exit1AndDataKept_MissingFolderMade()
    {
        await TrainAsync("zero_rule");
        var data = Path.Combine(_h.Folder, "credit_data.csv");
        var before = File.ReadAllBytes(data);
        Directory.CreateDirectory(Path.Combine(_h.Folder, "out.csv"));

        var same = await _h.RunAsync("predict", "--model", "credit-risk@champion", "--input", "credit_data.csv", "--output", "./credit_data.csv");
        var folder = await _h.RunAsync("predict", "--model", "credit-risk@champion", "--input", "credit_data.csv", "--output", "out.csv");
        var made = await _h.RunAsync("predict", "--model", "credit-risk@champion", "--input", "credit_data.csv", "--output", "new/p.csv");

        Assert.Equal(1, same.Exit);
        Assert.Contains("--output credit_data.csv: the input file itself; the predictions would replace the data", same.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(data));
        Assert.Equal(1, folder.Exit);
        Assert.Contains("--output out.csv: a folder", folder.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("rows predicted", folder.Error, StringComparison.Ordinal);
        Assert.True(made.Exit == 0, made.Error);
        Assert.Equal(4455, File.ReadAllLines(Path.Combine(_h.Folder, "new", "p.csv")).Length);
    }
}
