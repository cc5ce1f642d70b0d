using System.Globalization;
using Keel.Core;
using Keel.Core.Alerts;
using Keel.Core.Data;
using Keel.Core.Deployments;
using Keel.Core.Metrics;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Evaluation.Significance;
using Keel.Evaluation.Uncertainty;
using Keel.Pipeline.Evaluate;
using Keel.Pipeline.Predict;
using Keel.Tracking;

namespace Keel.Pipeline.Retrain;

/// <summary>
/// `keel retrain`: evaluates the policy's triggers; when one fires, trains a challenger with the same pipeline as `keel run` on the data
/// window (the comparison set held out), scores challenger and champion on the same comparison rows, and registers the challenger only
/// when it beats the champion by the margin with a significant test. Registration is the run's one completing transaction, so a
/// retraining killed at any point leaves no half-registered version.
/// </summary>
/// <param name="store">The store holding the champion; the retraining is tracked there.</param>
/// <param name="time">Clock.</param>
/// <param name="progress">Receives pipeline step progress.</param>
/// <param name="actor">Who moves aliases.</param>
public sealed class RetrainPipeline(KeelStore store, TimeProvider time, IProgress<PipelineProgress> progress, string actor)
{
    /// <summary>Fewest comparison rows the champion has not seen for a fair comparison.</summary>
    public const int MinComparisonRows = 30;

    /// <summary>Lineage tags written on the retraining run.</summary>
    public const string ParentTag = "keel.retrain.parent", TriggerTag = "keel.retrain.trigger", WindowTag = "keel.retrain.window",
        LabelledRowsTag = "keel.retrain.labelled_rows";

    /// <summary>Runs the retraining described by <paramref name="request"/>.</summary>
    /// <exception cref="KeelInputException">A bad spec, policy, window or deployment (named), or a champion whose classes differ from the data.</exception>
    public async Task<RetrainOutcome> ExecuteAsync(RetrainRequest request, Func<string, string> reportPathFor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var policy = request.PolicyPath is { } pp ? RetrainPolicyReader.ReadFile(pp, isSpec: false) : RetrainPolicyReader.ReadFile(request.SpecPath, isSpec: true);
        var reference = ModelReference.Parse(request.Model);
        var named = await ModelLoader.ResolveAsync(store.Registry, reference, ct);
        var deploymentName = request.Deployment ?? policy.Deployment;
        var (deployment, alias, promoted) = await TargetAsync(deploymentName, reference, named, ct);
        // A deployment that promoted its challenger serves that version, whatever the champion's alias still names: it is the one to beat.
        var parent = promoted ?? named;
        var champion = await ModelLoader.LoadAsync(store.Artifacts, parent, ct);

        WindowRows window = null!;
        Table full = null!;
        var specFolder = Path.GetDirectoryName(Path.GetFullPath(request.SpecPath))!;
        var prepared = RunPreparation.Prepare(request.SpecPath, request.Seed, (spec, data, options) =>
        {
            var read = policy.Window.Kind == WindowKind.Files
                ? DataWindow.ReadFiles(policy.Window.Files.Select(f => Path.GetFullPath(Path.Combine(specFolder, f))).ToArray(), options) : data;
            full = read.Table;
            window = DataWindow.Select(full, spec, policy, Path.GetFileName(read.Path));
            return read with { Table = full.Take(window.Train) };
        });
        prepared = prepared with
        {
            ModelName = parent.Name,
            Spec = prepared.Spec with { Register = prepared.Spec.Register with { Enabled = true, Alias = alias } },
        };
        var metric = policy.Promote.Metric ?? prepared.Metric;
        var info = MetricCatalog.Get(metric);
        if (!info.Tasks.Contains(prepared.Task))
            throw new KeelInputException($"retrain.promote.metric: '{metric}' does not apply to a {RunPreparation.Lower(prepared.Task)} task.");
        var comparisonTable = full.Take(window.Comparison);
        // Rows the champion was fitted on would flatter it: the comparison is made on the others.
        var seen = await SeenByChampionAsync(parent, comparisonTable, ct);
        var seenByChampion = seen?.Count(x => x);
        if (seenByChampion > 0)
        {
            var unseen = Enumerable.Range(0, seen!.Length).Where(r => !seen[r]).ToArray();
            if (unseen.Length < MinComparisonRows)
                throw new KeelInputException(
                    $"retrain.comparison: {seenByChampion} of the {seen.Length} held-out rows are rows {parent.Name}:{parent.Version} was fitted on, leaving {unseen.Length}; "
                    + $"a fair comparison needs at least {MinComparisonRows} rows it has not seen. Add new labelled rows to the data (or hold out more with comparison.rows).");
            comparisonTable = comparisonTable.Take(unseen);
        }
        var truth = Truth(comparisonTable, prepared.Spec.Data.Label, champion, request.Model);
        var championPredictions = champion.Predict(comparisonTable);
        var labelled = CountLabelled(full, prepared.Spec.Data.Label);

        var triggers = await CheckTriggersAsync(policy, parent, labelled, truth, championPredictions, metric, info, ct);
        var fired = triggers.Where(t => t.Fired).ToArray();
        if (fired.Length == 0 && !request.Force)
            return new RetrainOutcome(request.Model, parent.Version, triggers, false, null, null, null, null, null,
                "not retrained: no trigger fired (" + string.Join("; ", triggers.Select(t => $"{t.Trigger}: {t.Detail}")) + ")" + ServingNote());
        var why = fired.Length > 0 ? string.Join("; ", fired.Select(t => $"{t.Trigger}: {t.Detail}")) : "forced (--force)";

        var options = new BootstrapOptions { Resamples = Math.Max(200, prepared.Spec.Evaluation.Bootstrap), Seed = (ulong)prepared.Seed };
        ChallengerComparison? comparison = null;
        (string From, string Champion)? rearmed = null;
        var pipeline = new RunPipeline(store, time, progress, actor)
        {
            ExtraTags = new Dictionary<string, string>
            {
                [ParentTag] = $"{parent.Name}:{parent.Version.ToString(CultureInfo.InvariantCulture)}",
                [TriggerTag] = why,
                [WindowTag] = window.Description,
                [LabelledRowsTag] = labelled.ToString(CultureInfo.InvariantCulture),
            },
            RegistrationCheck = async (final, token) =>
            {
                var challengerPredictions = Align(final.Model.Predict(comparisonTable), truth.Classes);
                comparison = Compare(truth, challengerPredictions, championPredictions, metric, info, policy.Promote, options) with { SeenByChampion = seenByChampion };
                if (!comparison.Promoted) return NotPromoted(comparison);
                // A promoted deployment gives its challenger alias all traffic: re-armed before the registration moves that alias, it
                // starts over from the version in production, so the new version never answers everyone, even for the moment between.
                if (deployment is { State.Phase: RolloutPhase.Promoted }) rearmed = await ReArmAsync(deployment, promoted, "the version being registered", token);
                return null;
            },
        };
        var run = await pipeline.ExecuteAsync(prepared, reportPathFor, ct);
        var message = run.Registered is { } reg ? $"promoted: {Describe(comparison!)}; registered {reg.Name}:{reg.Version}" + (reg.Alias is { } a ? $" as @{a}" : "")
            : comparison is { Promoted: false } ? NotPromoted(comparison) : $"not registered: {run.NotRegisteredReason ?? "gates failed"}";
        message += ServingNote();
        string? deployed = null;
        if (deployment is not null && rearmed is { } done)
            deployed = ReArmed(deployment, done, run.Registered is { } registered ? $"{registered.Name}:{registered.Version}" : "the retrained version, which was not registered");
        else if (run.Registered is { } r && deployment is not null) deployed = await StartRolloutAsync(deployment, r, promoted, ct);
        return new RetrainOutcome(request.Model, parent.Version, triggers, true, window.Description, run.RunId, comparison, run.Registered, deployed, message);

        string ServingNote() => promoted is null ? ""
            : $" (the champion is {parent.Name}:{parent.Version}, which deployment '{deployment!.Name}' promoted; {request.Model} named {named.Name}:{named.Version})";
    }

    /// <summary>
    /// The alias the challenger gets: the deployment's challenger alias, else the alias the champion was named by (promotion). With a
    /// deployment that promoted its challenger, also the version it promoted when the champion named here is the deployment's own.
    /// </summary>
    private async Task<(Deployment?, string?, ModelVersion?)> TargetAsync(string? name, ModelReference reference, ModelVersion named, CancellationToken ct)
    {
        if (name is null) return (null, reference.Alias, null);
        var d = await store.Deployments.GetAsync(name, ct)
            ?? throw new KeelNotFoundException($"deployment '{name}': no such deployment; `keel deployments list` shows them.");
        var challenger = d.Challenger is { } c ? ModelReference.Parse(c) : null;
        if (challenger is not { Alias: { } alias } || challenger.Name != named.Name)
            throw new KeelInputException($"deployment '{name}': its challenger is {d.Challenger ?? "not set"}; expected {named.Name}@ALIAS (an alias of the retrained model) so the new version can take it.");
        if (d.Serving == d.Champion || await store.Registry.GetByAliasAsync(named.Name, alias, ct) is not { } serving) return (d, alias, null);
        var champion = ModelReference.Parse(d.Champion);
        if (champion.Name != named.Name || (await ModelLoader.ResolveAsync(store.Registry, champion, ct)).Version != named.Version) return (d, alias, null);
        // Re-arming puts the champion back in front: it must be the promoted version by then, which a pinned NAME:VERSION cannot follow.
        if (champion.Alias is null && champion.Version != serving.Version)
            throw new KeelInputException($"deployment '{name}': it promoted {named.Name}:{serving.Version} ({d.Challenger}), but its champion is pinned to {d.Champion}, "
                + $"so re-arming it would put {d.Champion} back in production; set the file's champion to {named.Name}:{serving.Version} or {named.Name}@ALIAS "
                + "(keel deployments create FILE) first.");
        return (d, alias, serving.Version == named.Version ? null : serving);
    }

    private async Task<List<TriggerCheck>> CheckTriggersAsync(RetrainPolicy policy, ModelVersion parent, int labelled,
        EncodedLabels truth, Predictions champion, string metric, Core.Metrics.MetricInfo info, CancellationToken ct)
    {
        var t = policy.Triggers;
        var checks = new List<TriggerCheck>();
        if (!t.Any)
        {
            checks.Add(new TriggerCheck("manual", true, "no trigger configured, so every keel retrain retrains"));
            return checks;
        }
        if (t.Alert)
        {
            // Its scopes: the model, any alias or version of it, and the deployments that serve it.
            var alerts = await store.Alerts.ListAsync(new AlertQuery { Model = parent.Name, Since = parent.CreatedAt, Limit = 10_000 }, ct);
            checks.Add(new TriggerCheck("alert", alerts.Count > 0, alerts.Count > 0
                ? $"{alerts.Count} alert(s) since version {parent.Version} was registered, latest '{alerts[0].Rule}' on {alerts[0].Scope} at {alerts[0].At:yyyy-MM-dd HH:mm}Z"
                : $"no alert on {parent.Name} since version {parent.Version} was registered"));
        }
        if (t.Schedule is { } every)
        {
            var age = time.GetUtcNow() - parent.CreatedAt;
            checks.Add(new TriggerCheck("schedule", age >= every, $"champion is {Days(age)} old, schedule every {Days(every)}"));
        }
        if (t.NewRows is { } need)
        {
            var run = await store.Tracking.GetRunAsync(parent.SourceRunId, ct);
            var before = run?.Tags.GetValueOrDefault(LabelledRowsTag) ?? run?.Params.GetValueOrDefault("data.rows");
            var had = int.TryParse(before, NumberStyles.Integer, CultureInfo.InvariantCulture, out var h) ? h : 0;
            var added = labelled - had;
            checks.Add(new TriggerCheck("new_rows", added >= need, $"{added} labelled rows beyond the champion's {had}, {need} needed"));
        }
        if (t.PerformanceDrop is { } drop)
        {
            var now = Keel.Evaluation.Evaluator.Evaluate(truth, champion).Metrics.GetValueOrDefault(metric, double.NaN);
            if (!parent.Metrics.TryGetValue(metric, out var then))
                checks.Add(new TriggerCheck("performance_drop", false, $"the champion has no registered {metric} to compare with"));
            else
            {
                var lost = info.HigherIsBetter ? then - now : now - then;
                checks.Add(new TriggerCheck("performance_drop", lost > drop,
                    $"champion {metric} {F(now)} on the {truth.Count} most recent rows vs {F(then)} at registration (drop {F(lost)}, threshold {F(drop)})"));
            }
        }
        return checks;
    }

    private static ChallengerComparison Compare(EncodedLabels truth, Predictions challenger, Predictions champion, string metric,
        Core.Metrics.MetricInfo info, PromotionSpec promote, BootstrapOptions options)
    {
        var c = Significance.Compare("challenger", "champion", truth, challenger, champion, metric, options);
        var improvement = info.HigherIsBetter ? c.Value - c.OtherValue : c.OtherValue - c.Value;
        var promoted = improvement > 0 && improvement >= promote.Margin && c.PValue < promote.Alpha;
        return new ChallengerComparison(metric, c.Value, c.OtherValue, improvement, c.Test, c.PValue, promote.Margin, promote.Alpha, truth.Count, promoted);
    }

    private static string Describe(ChallengerComparison c) =>
        $"challenger {c.Metric} {F(c.Challenger)} vs champion {F(c.Champion)}, p={P(c.PValue)} ({c.Test}, {c.Rows} held-out rows)"
        + (c.SeenByChampion is > 0 and var seen ? $"; {seen} other held-out rows left out: the champion was fitted on them" : "");

    /// <summary>Which of <paramref name="comparison"/>'s rows equal, in every column both have, a row the champion was fitted on: its
    /// source run's training rows, with its validation rows when the registered model was refitted on them. Null when that run's data
    /// file is gone or has changed (nothing to compare with).</summary>
    private async Task<bool[]?> SeenByChampionAsync(ModelVersion parent, Table comparison, CancellationToken ct)
    {
        if (await EvaluationSource.FittedRowsAsync(store, parent, ct) is not { } champion) return null;
        var (table, fitted) = champion;
        var names = comparison.Columns.Select(c => c.Name).Where(table.Contains).ToArray();
        string Key(Table t, int r) => string.Join('\u001f', names.Select(n => t[n].Format(r)));
        var seen = fitted.Select(r => Key(table, r)).ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(0, comparison.RowCount).Select(r => seen.Contains(Key(comparison, r))).ToArray();
    }

    private static string NotPromoted(ChallengerComparison c)
    {
        var why = c.Improvement <= 0 ? "no better" : c.Improvement < c.Margin ? $"gain {F(c.Improvement)} below the margin {F(c.Margin)}" : $"not significant at alpha {F(c.Alpha)}";
        return $"not promoted: {Describe(c)}; {why}";
    }

    /// <summary>Moves a finished deployment back to created (a start event: a running server begins the strategy from its first step at
    /// its next poll of the store, a starting one when it loads the deployment); a running one follows the challenger alias by itself.</summary>
    /// <remarks>A promoted deployment's champion alias first moves to the version it promoted, so the new rollout starts from the model in
    /// production rather than the one the promotion replaced.</remarks>
    private async Task<string> StartRolloutAsync(Deployment d, RegisteredOut registered, ModelVersion? promoted, CancellationToken ct)
    {
        var version = $"{registered.Name}:{registered.Version}";
        if (d.State.Phase == RolloutPhase.Running)
            return $"deployment '{d.Name}' is running its {d.Strategy} rollout; its challenger {d.Challenger} now names {version}";
        return ReArmed(d, await ReArmAsync(d, promoted, version, ct), version);
    }

    /// <summary>Moves the champion alias to <paramref name="promoted"/> (when given and the champion is an alias), then the deployment back
    /// to created; returns the phase it left and what became of the champion, for <see cref="ReArmed"/>.</summary>
    private async Task<(string From, string Champion)> ReArmAsync(Deployment d, ModelVersion? promoted, string version, CancellationToken ct)
    {
        var champion = "";
        if (promoted is not null && ModelReference.Parse(d.Champion).Alias is { } championAlias)
        {
            await store.Registry.SetAliasAsync(promoted.Name, championAlias, promoted.Version, actor,
                $"deployment '{d.Name}' promoted it ({d.Strategy}); keel retrain re-arms the deployment with {version}", ct);
            champion = $"{d.Champion} now names {promoted.Name}:{promoted.Version}, the version it promoted; ";
        }
        var e = await store.Deployments.ChangeStateAsync(d.Name, DeploymentEventKind.Start, d.State with { Phase = RolloutPhase.Created, ChallengerPercent = 0, Step = 0 },
            actor, $"keel retrain: {champion}challenger {d.Challenger} is {version}; the {d.Strategy} rollout starts at the server's next poll, or when a server loads the deployment", ct);
        return (e.From?.Phase.ToString().ToLowerInvariant() ?? "created", champion);
    }

    private static string ReArmed(Deployment d, (string From, string Champion) done, string version) =>
        $"deployment '{d.Name}' re-armed ({done.From} → created): {done.Champion}its {d.Strategy} rollout of {version} starts at the serving server's next poll, or when a server loads it";

    /// <summary>The comparison rows' labels in the champion's class order (its probabilities' columns).</summary>
    private static EncodedLabels Truth(Table rows, string label, LoadedModel champion, string model)
    {
        var column = rows[label];
        if (champion.Task == TaskKind.Regression)
            return new EncodedLabels { Task = TaskKind.Regression, Values = ((NumericColumn)column).Values.ToArray() };
        var classes = champion.Model.Classes;
        var indices = new int[rows.RowCount];
        for (var r = 0; r < indices.Length; r++)
        {
            var text = column.Format(r);
            var i = IndexOf(classes, text);
            indices[r] = i >= 0 ? i : throw new KeelInputException(
                $"label '{text}' in the comparison rows is not one of {model}'s classes ({string.Join(", ", classes)}); retraining cannot compare on it.");
        }
        return new EncodedLabels { Task = champion.Task, Classes = classes, ClassIndices = indices };
    }

    /// <summary>The challenger's probabilities in the champion's class order.</summary>
    private static Predictions Align(Predictions p, IReadOnlyList<string> classes)
    {
        if (p.Probabilities is null || p.Classes.SequenceEqual(classes)) return p;
        var at = classes.Select(c => IndexOf(p.Classes, c)).ToArray();
        if (at.Any(i => i < 0))
            throw new KeelInputException($"the challenger's classes ({string.Join(", ", p.Classes)}) differ from the champion's ({string.Join(", ", classes)}).");
        return p with { Classes = classes, Probabilities = p.Probabilities.Select(row => at.Select(i => row[i]).ToArray()).ToArray() };
    }

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (string.Equals(classes[i], name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    private static int CountLabelled(Table table, string label)
    {
        var c = table[label];
        var n = 0;
        for (var r = 0; r < table.RowCount; r++)
        {
            if (!c.IsMissing(r)) n++;
        }
        return n;
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string P(double p) => p < 0.001 ? p.ToString("0.0e0", CultureInfo.InvariantCulture) : p.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Days(TimeSpan t) => t.TotalDays >= 1 ? $"{t.TotalDays:0.#}d" : $"{t.TotalHours:0.#}h";
}
