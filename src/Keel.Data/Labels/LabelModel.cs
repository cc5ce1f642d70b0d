namespace Keel.Data.Labels;

/// <summary>Options of <see cref="LabelModel"/>: the EM fit of a generative model over labelling-function votes.</summary>
public sealed record LabelModelOptions
{
    /// <summary>Most EM iterations. Default 200.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>EM stops once the mean log-likelihood per row improves by less than this. Default 1e-7.</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Pseudo-count added to every cell of every emission table and to the class prior (Dirichlet smoothing). Default 0.5.</summary>
    public double Smoothing { get; init; } = 0.5;

    /// <summary>Groups of functions (indices) modelled jointly because they are known to be correlated. Default: none.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Dependencies { get; init; } = [];

    /// <summary>Find correlated pairs from the votes alone (<see cref="DependencyFinder"/>) and model them jointly too. Default true.</summary>
    public bool DetectDependencies { get; init; } = true;

    /// <summary>Normalised conditional mutual information above which a pair counts as correlated (<see cref="DependencyFinder"/>). Default 0.3.</summary>
    public double DependencyThreshold { get; init; } = 0.3;

    /// <summary>The most functions in one jointly modelled group (the joint table grows as (classes+1)^size). Default 4.</summary>
    public int MaxGroupSize { get; init; } = 4;

    /// <summary>Known classes per row (-1 unknown), used only to find dependencies (never to fit the model). Default none.</summary>
    public int[]? Gold { get; init; }
}

/// <summary>What the label model learned: per-row class probabilities and per-function estimates.</summary>
/// <param name="Probabilities">Per row, the posterior probability of each class.</param>
/// <param name="ClassPrior">The learned class balance.</param>
/// <param name="Accuracies">Per function, the learned probability that its vote is right when it votes.</param>
/// <param name="Groups">The groups of functions modelled jointly (singletons for independent ones).</param>
/// <param name="Iterations">EM iterations made.</param>
/// <param name="LogLikelihood">Mean log-likelihood per row at the end.</param>
public sealed record LabelModelResult(
    double[][] Probabilities,
    double[] ClassPrior,
    double[] Accuracies,
    IReadOnlyList<int[]> Groups,
    int Iterations,
    double LogLikelihood);

/// <summary>
/// The label model of weak supervision: a Dawid–Skene generative model (latent true class; each group of functions emits
/// its joint vote, abstentions included, from a per-class table) fitted by EM from the functions' agreements alone.
/// Functions in one group may be correlated in any way; groups are conditionally independent given the class.
/// </summary>
public static class LabelModel
{
    /// <summary>The vote code of an abstaining function.</summary>
    public const int Abstain = -1;

    /// <summary>Fits the model to <paramref name="votes"/> (per function, per row: a class index or <see cref="Abstain"/>).</summary>
    /// <param name="votes">votes[function][row].</param>
    /// <param name="classes">How many classes there are.</param>
    /// <param name="options">EM and dependency options.</param>
    public static LabelModelResult Fit(IReadOnlyList<int[]> votes, int classes, LabelModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(options);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), "At least two classes.");
        var m = votes.Count;
        var n = m == 0 ? 0 : votes[0].Length;
        var declared = options.Dependencies.Select(g => g.ToArray()).ToList();
        if (options.DetectDependencies)
            declared.AddRange(DependencyFinder.Find(votes, classes, options.DependencyThreshold, options.Gold).Select(p => new[] { p.A, p.B }));
        var groups = Group(m, declared, options.MaxGroupSize);

        var k = classes;
        var codes = groups.Select(g => Codes(votes, g, k, n)).ToArray();
        var sizes = groups.Select(g => (int)Math.Pow(k + 1, g.Length)).ToArray();
        var q = VoteShares(votes, k, n);
        var prior = new double[k];
        var tables = sizes.Select(s => Enumerable.Range(0, k).Select(_ => new double[s]).ToArray()).ToArray();
        double previous = double.NegativeInfinity, ll = 0;
        var iterations = 0;
        while (iterations < options.MaxIterations)
        {
            iterations++;
            MStep(q, codes, tables, prior, options.Smoothing);
            ll = EStep(q, codes, tables, prior);
            if (ll - previous < options.Tolerance) break;
            previous = ll;
        }
        var accuracies = Enumerable.Range(0, m).Select(j => Accuracy(j, groups, tables, prior, k)).ToArray();
        return new LabelModelResult(q, prior, accuracies, groups, iterations, ll);
    }

    /// <summary>Majority vote per row: the most voted class (ties go to the class with more votes overall, then the lower index),
    /// or -1 where every function abstains.</summary>
    public static int[] MajorityVote(IReadOnlyList<int[]> votes, int classes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var n = votes.Count == 0 ? 0 : votes[0].Length;
        var overall = new double[classes];
        foreach (var v in votes) foreach (var x in v) if (x >= 0) overall[x]++;
        var result = new int[n];
        var counts = new double[classes];
        for (var i = 0; i < n; i++)
        {
            Array.Clear(counts);
            foreach (var v in votes) if (v[i] >= 0) counts[v[i]]++;
            var best = -1;
            for (var c = 0; c < classes; c++)
                if (counts[c] > 0 && (best < 0 || counts[c] > counts[best] || (counts[c] == counts[best] && overall[c] > overall[best]))) best = c;
            result[i] = best;
        }
        return result;
    }

    /// <summary>Union of the declared pairs and groups, skipping a merge that would make a group larger than <paramref name="maxSize"/>.</summary>
    private static List<int[]> Group(int m, List<int[]> links, int maxSize)
    {
        var parent = Enumerable.Range(0, m).ToArray();
        var size = Enumerable.Repeat(1, m).ToArray();
        int Find(int x) => parent[x] == x ? x : parent[x] = Find(parent[x]);
        foreach (var link in links)
        {
            for (var i = 1; i < link.Length; i++)
            {
                int a = Find(link[0]), b = Find(link[i]);
                if (a == b || size[a] + size[b] > maxSize) continue;
                parent[b] = a;
                size[a] += size[b];
            }
        }
        return Enumerable.Range(0, m).GroupBy(Find).Select(g => g.Order().ToArray()).OrderBy(g => g[0]).ToList();
    }

    /// <summary>Per row, the group's joint vote as one number: sum over its functions of (vote + 1) · (k + 1)^position.</summary>
    private static int[] Codes(IReadOnlyList<int[]> votes, int[] group, int k, int n)
    {
        var codes = new int[n];
        for (var i = 0; i < n; i++)
        {
            var code = 0;
            for (var p = group.Length - 1; p >= 0; p--) code = code * (k + 1) + votes[group[p]][i] + 1;
            codes[i] = code;
        }
        return codes;
    }

    /// <summary>The starting posterior: each row's share of votes per class (uniform where every function abstains).</summary>
    internal static double[][] VoteShares(IReadOnlyList<int[]> votes, int k, int n)
    {
        var q = new double[n][];
        for (var i = 0; i < n; i++)
        {
            var row = new double[k];
            var total = 0.0;
            foreach (var v in votes) if (v[i] >= 0) { row[v[i]]++; total++; }
            for (var c = 0; c < k; c++) row[c] = total == 0 ? 1.0 / k : row[c] / total;
            q[i] = row;
        }
        return q;
    }

    private static void MStep(double[][] q, int[][] codes, double[][][] tables, double[] prior, double alpha)
    {
        var k = prior.Length;
        var n = q.Length;
        var mass = new double[k];
        for (var i = 0; i < n; i++) for (var c = 0; c < k; c++) mass[c] += q[i][c];
        for (var c = 0; c < k; c++) prior[c] = (mass[c] + alpha) / (n + k * alpha);
        for (var g = 0; g < tables.Length; g++)
        {
            var t = tables[g];
            for (var c = 0; c < k; c++) Array.Fill(t[c], alpha);
            for (var i = 0; i < n; i++) for (var c = 0; c < k; c++) t[c][codes[g][i]] += q[i][c];
            for (var c = 0; c < k; c++)
            {
                var total = mass[c] + alpha * t[c].Length;
                for (var s = 0; s < t[c].Length; s++) t[c][s] /= total;
            }
        }
    }

    /// <summary>Posterior per row from the current tables; returns the mean log-likelihood per row.</summary>
    private static double EStep(double[][] q, int[][] codes, double[][][] tables, double[] prior)
    {
        var k = prior.Length;
        var logs = new double[k];
        double sum = 0;
        for (var i = 0; i < q.Length; i++)
        {
            for (var c = 0; c < k; c++)
            {
                var l = Math.Log(prior[c]);
                for (var g = 0; g < tables.Length; g++) l += Math.Log(tables[g][c][codes[g][i]]);
                logs[c] = l;
            }
            var max = logs.Max();
            double z = 0;
            for (var c = 0; c < k; c++) z += Math.Exp(logs[c] - max);
            for (var c = 0; c < k; c++) q[i][c] = Math.Exp(logs[c] - max) / z;
            sum += max + Math.Log(z);
        }
        return q.Length == 0 ? 0 : sum / q.Length;
    }

    /// <summary>P(vote = class | class, votes) averaged over the prior, from the marginal of the function's group table.</summary>
    private static double Accuracy(int lf, IReadOnlyList<int[]> groups, double[][][] tables, double[] prior, int k)
    {
        var g = groups.Select((grp, i) => (grp, i)).First(x => x.grp.Contains(lf));
        var position = Array.IndexOf(g.grp, lf);
        var stride = (int)Math.Pow(k + 1, position);
        double right = 0, voting = 0;
        for (var c = 0; c < k; c++)
        {
            var t = tables[g.i][c];
            for (var s = 0; s < t.Length; s++)
            {
                var vote = s / stride % (k + 1) - 1;
                if (vote < 0) continue;
                voting += prior[c] * t[s];
                if (vote == c) right += prior[c] * t[s];
            }
        }
        return voting == 0 ? double.NaN : right / voting;
    }
}
