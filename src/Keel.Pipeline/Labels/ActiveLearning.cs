using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.Data.Binding;
using Keel.Pipeline.Predict;

namespace Keel.Pipeline.Labels;

/// <summary>How rows worth labelling are chosen.</summary>
public enum QueryStrategy
{
    /// <summary>Least confident first: 1 − the top class probability.</summary>
    Uncertainty,

    /// <summary>Smallest margin first: 1 − (top − second class probability).</summary>
    Margin,

    /// <summary>Highest entropy of the class probabilities first.</summary>
    Entropy,

    /// <summary>Spread out: farthest-first traversal (k-center greedy) over the standardised numeric inputs and class
    /// probabilities, starting from the least confident row; the score is the distance at which a row was picked.</summary>
    Diversity,
}

/// <summary>One row suggested for labelling.</summary>
/// <param name="Row">The 0-based data row of the pool file.</param>
/// <param name="Score">Its strategy score (higher is more worth labelling).</param>
public sealed record Suggestion(long Row, double Score);

/// <summary>What `keel label suggest` chose.</summary>
/// <param name="Model">The model version used.</param>
/// <param name="Strategy">The strategy.</param>
/// <param name="PoolRows">Rows in the pool.</param>
/// <param name="Suggestions">The rows chosen, best first.</param>
/// <param name="Output">The file written, or null.</param>
public sealed record SuggestOutcome(string Model, string Strategy, long PoolRows, IReadOnlyList<Suggestion> Suggestions, string? Output);

/// <summary>Active learning: scores unlabelled rows by a model's predictions and picks the ones most worth labelling.</summary>
public static class ActiveLearning
{
    /// <summary>Each row's score under an uncertainty strategy (not diversity), higher meaning more worth labelling.</summary>
    public static double[] Scores(double[][] probabilities, QueryStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        return probabilities.Select(p =>
        {
            var sorted = p.OrderDescending().ToArray();
            return strategy switch
            {
                QueryStrategy.Uncertainty => 1 - sorted[0],
                QueryStrategy.Margin => 1 - (sorted[0] - (sorted.Length > 1 ? sorted[1] : 0)),
                QueryStrategy.Entropy => -p.Where(x => x > 0).Sum(x => x * Math.Log(x)),
                _ => throw new ArgumentOutOfRangeException(nameof(strategy), "Diversity is a set choice; use Choose."),
            };
        }).ToArray();
    }

    /// <summary>The <paramref name="n"/> rows to label next, best first; <paramref name="inputs"/> are the numeric inputs per row for diversity.</summary>
    public static IReadOnlyList<Suggestion> Choose(double[][] probabilities, double[][]? inputs, QueryStrategy strategy, int n)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        n = Math.Min(n, probabilities.Length);
        if (strategy != QueryStrategy.Diversity)
        {
            var scores = Scores(probabilities, strategy);
            return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(n)
                .Select(i => new Suggestion(i, scores[i])).ToArray();
        }
        var points = probabilities.Select((p, i) => inputs is null ? p : [.. inputs[i], .. p]).ToArray();
        var uncertainty = Scores(probabilities, QueryStrategy.Uncertainty);
        var chosen = new List<Suggestion>();
        if (n == 0) return chosen;
        var first = Enumerable.Range(0, points.Length).OrderByDescending(i => uncertainty[i]).ThenBy(i => i).First();
        chosen.Add(new Suggestion(first, uncertainty[first]));
        var distance = points.Select(x => Distance(x, points[first])).ToArray();
        while (chosen.Count < n)
        {
            var next = 0;
            for (var i = 1; i < distance.Length; i++) if (distance[i] > distance[next]) next = i;
            chosen.Add(new Suggestion(next, distance[next]));
            for (var i = 0; i < distance.Length; i++) distance[i] = Math.Min(distance[i], Distance(points[i], points[next]));
        }
        return chosen;
    }

    private static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s);
    }

    /// <summary>Numeric inputs of a table, each standardised over its rows, missing as 0 (the mean), for diversity.</summary>
    public static double[][] StandardisedInputs(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var numeric = table.Columns.OfType<NumericColumn>().ToArray();
        var rows = Enumerable.Range(0, table.RowCount).Select(_ => new double[numeric.Length]).ToArray();
        for (var c = 0; c < numeric.Length; c++)
        {
            var present = numeric[c].Values.ToArray().Where(double.IsFinite).ToArray();
            var mean = present.Length == 0 ? 0 : present.Average();
            var sd = present.Length < 2 ? 1 : Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / (present.Length - 1));
            if (sd == 0) sd = 1;
            for (var r = 0; r < rows.Length; r++) rows[r][c] = double.IsFinite(numeric[c][r]) ? (numeric[c][r] - mean) / sd : 0;
        }
        return rows;
    }

    /// <summary>Runs `keel label suggest`: predicts the pool with <paramref name="model"/> and writes the chosen rows (row, score,
    /// then the pool's own columns as written) to <paramref name="output"/> (.csv or .tsv) when given.</summary>
    /// <param name="model">The classifier.</param>
    /// <param name="pool">The unlabelled rows.</param>
    /// <param name="strategy">How rows are ranked.</param>
    /// <param name="n">Rows to suggest.</param>
    /// <param name="output">Where to write them, or null.</param>
    /// <param name="text">How a CSV or JSON Lines pool is read (encoding, delimiter, decimal mark).</param>
    /// <exception cref="KeelInputException">A regression model, or a pool that does not bind to the model's inputs.</exception>
    public static SuggestOutcome Suggest(LoadedModel model, string pool, QueryStrategy strategy, int n, string? output, ReadOptions text)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(text);
        if (output is not null)
        {
            LabelCsv.CheckPath(output, "--out");
            OutputFiles.NotTheInput(output, pool, "--out", "the suggested rows");
        }
        if (model.Task == TaskKind.Regression)
            throw new KeelInputException($"--model: {model.Name} version {model.Version.Version} is a regression model; active learning ranks rows by class probabilities.");
        if (n < 1) throw new KeelInputException($"--n: expected a number of rows of at least 1, got {n}.");
        if (!File.Exists(pool)) throw new KeelInputException($"{pool}: the pool file does not exist.");
        var chunks = ChunkedTableReader.Read(pool, model.InputSchema, new ChunkReadOptions { MissingTokens = model.MissingTokens, Text = text }).ToArray();
        var probabilities = chunks.SelectMany(ch => model.Predict(ch.Table).Probabilities!).ToArray();
        var inputs = strategy == QueryStrategy.Diversity ? chunks.SelectMany(ch => StandardisedInputs(ch.Table)).ToArray() : null;
        var chosen = Choose(probabilities, inputs, strategy, n);
        if (output is not null)
        {
            var cells = TableReader.Read(pool, text with { AsText = true }).Table;
            LabelCsv.Write(output, ["row", "score", .. cells.Columns.Select(c => c.Name)], chosen.Count, i =>
                [chosen[i].Row.ToString(System.Globalization.CultureInfo.InvariantCulture), LabelCsv.Number(chosen[i].Score), .. cells.Columns.Select(c => c.Format((int)chosen[i].Row))]);
        }
        return new SuggestOutcome($"{model.Name}:{model.Version.Version}", strategy.ToString().ToLowerInvariant(), probabilities.Length, chosen, output);
    }
}
