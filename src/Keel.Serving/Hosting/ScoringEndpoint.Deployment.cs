using System.Diagnostics;
using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Deployments;
using Keel.Core.Models;
using Keel.Pipeline.Predict;
using Keel.Serving.Logging;
using Keel.Serving.Models;
using Keel.Serving.Requests;
using Keel.Serving.Rollouts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Serving.Hosting;

/// <summary>The deployment's request path: route by the policy, answer from one arm, post-process, mark for review, observe, log.</summary>
internal sealed partial class ScoringEndpoint
{
    public const string ModeHeader = "Keel-Mode";

    /// <summary>
    /// A request to a deployment: bound to the champion's schema (a binding error is the caller's, 400), routed by the policy, answered by
    /// the primary arm. A challenger that fails is observed as failed (its guard may roll it back) and the champion answers instead, so
    /// callers never see a challenger's error. The answer is post-processed, marked for review by the deployment's mode and threshold,
    /// and a shadow copy (the rows' values as bound, copied into the shadow queue's slots, and the champion's outcome) is queued for the shadow
    /// worker after the answer is written.
    /// </summary>
    private async Task ScoreDeployedAsync(HttpContext ctx, DeploymentRuntime d, string endpoint)
    {
        var (started, arrived, requestId) = Begin(ctx);
        // One champion and one challenger per request, read once: a swap while it runs never mixes two pairs.
        var champion = catalog.Current(d.ChampionName)!;
        var challenger = d.Challenger;
        var mode = d.Policy.State.Mode;
        var model = champion;
        var armName = CatalogRouter.Champion;
        try
        {
            var body = await ReadBodyAsync(ctx, endpoint);
            var key = d.KeyField is { } field ? RoutingKeyReader.Read(body.Body, body.Csv, endpoint, field)
                : d.KeyHeader is { } h && ctx.Request.Headers.TryGetValue(h, out var v) ? v.ToString() : null;
            var decision = d.Policy.Route(new RequestContext(requestId, key));
            var (table, oipId) = BindBody(body, champion, endpoint);
            var arm = Arm.Champion;
            ArmOutcome? championOutcome = null;
            Predictions? predictions = null;
            if (decision.Primary == Arm.Challenger && challenger is not null)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    d.BeforePredict?.Invoke(ChallengerArm);
                    var bound = SameSchemaCached(champion, challenger) ? table : BindBody(body, challenger, endpoint).Table;
                    predictions = challenger.Predict(bound);
                    var (score, label, multiclass) = DeploymentRuntime.ScoreOf(predictions);
                    d.Observe(new ArmOutcome(requestId, Arm.Challenger, Stopwatch.GetElapsedTime(t0), false, score, label, multiclass));
                    model = challenger;
                    arm = Arm.Challenger;
                    armName = ChallengerArm;
                    table = bound;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    d.Observe(new ArmOutcome(requestId, Arm.Challenger, Stopwatch.GetElapsedTime(t0), true, double.NaN));
                    metrics.Errors.WithLabels(challenger.Name, Version(challenger), ChallengerArm, "fallback").Inc();
                    log.LogWarning("{RequestId}: challenger {Model} v{Version} failed ({Message}); the champion answers", requestId, challenger.Name, challenger.Version.Version, e.Message);
                    predictions = null;
                }
            }
            if (predictions is null)
            {
                var t0 = Stopwatch.GetTimestamp();
                d.BeforePredict?.Invoke(CatalogRouter.Champion);
                try
                {
                    predictions = champion.Predict(table);
                }
                catch (Keel.Core.KeelInputException e)
                {
                    throw RequestException.Bad(e.Message);
                }
                var (score, label, multiclass) = DeploymentRuntime.ScoreOf(predictions);
                championOutcome = new ArmOutcome(requestId, Arm.Champion, Stopwatch.GetElapsedTime(t0), false, score, label, multiclass);
                d.Observe(championOutcome);
            }
            var (answer, notes) = Annotate(d, mode, table, predictions);
            var version = Version(model);
            ctx.Response.Headers[ModelHeader] = model.Name;
            ctx.Response.Headers[VersionHeader] = version;
            ctx.Response.Headers[ArmHeader] = armName;
            ctx.Response.Headers[ModeHeader] = DeploymentText(mode);
            await WriteAnswerAsync(ctx, endpoint, model, version, oipId ?? requestId, answer, notes);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var series = metrics.Route(model.Name, version, armName);
            series.Latency.Observe(seconds);
            series.Answered(endpoint).Inc();
            series.Observe(table, answer);
            writer?.TryEnqueue(new PendingPrediction(requestId, arrived, model.Name, model.Version.Version, armName, endpoint, seconds * 1000, table, answer, notes)
                { Deployment = d.File.Endpoint });
            d.Remember(requestId, arm, model.Version.Version, answer);
            QueueReviews(d, requestId, arrived, table, answer, notes);
            if (decision.Shadow == Arm.Challenger && challenger is not null && championOutcome is not null
                && !d.TryShadow(new ShadowCopy(endpoint, champion, challenger, table, body, championOutcome), !SameSchemaCached(champion, challenger),
                    _scoreShadows ??= ScoreShadows))
                metrics.ShadowDropped.Inc();
        }
        catch (Exception e)
        {
            var code = StatusOf(e).ToString(CultureInfo.InvariantCulture);
            metrics.Errors.WithLabels(model.Name, Version(model), armName, code).Inc();
            metrics.Requests.WithLabels(model.Name, Version(model), armName, endpoint, code).Inc();
            throw;
        }
    }

    /// <summary>Applies the post-processing rules and marks rows for review (mode and threshold); notes say what happened per row.</summary>
    private static (Predictions Answer, AnswerNotes Notes) Annotate(DeploymentRuntime d, DeploymentMode mode, Table table, Predictions predictions)
    {
        IReadOnlyList<AnswerChange> changes = [];
        if (!d.PostProcessor.IsEmpty)
        {
            try
            {
                (predictions, changes) = d.PostProcessor.Apply(table, predictions);
            }
            catch (Keel.Core.KeelInputException e)
            {
                // Rules were checked against both models at start; a challenger resolved later may not fit them. Not the caller's fault.
                throw new RequestException(500, "POST_PROCESSING_FAILED", e.Message);
            }
        }
        var review = new bool[predictions.Count];
        if (mode != DeploymentMode.Full)
        {
            var confidences = ReviewRule.Confidences(predictions);
            for (var r = 0; r < review.Length; r++) review[r] = ReviewRule.NeedsReview(mode, d.File.ReviewBelowConfidence, confidences[r]);
        }
        return (predictions, new AnswerNotes(review, mode == DeploymentMode.Shadow, changes));
    }

    /// <summary>Queues the rows marked for review (off the hot path: the runtime writes them to the store).</summary>
    private static void QueueReviews(DeploymentRuntime d, string requestId, DateTimeOffset at, Table table, Predictions answer, AnswerNotes notes)
    {
        if (!notes.NeedsReview.Contains(true)) return;
        var confidences = ReviewRule.Confidences(answer);
        var predicted = answer.Probabilities is null ? null : answer.PredictedClassIndices();
        for (var r = 0; r < notes.NeedsReview.Length; r++)
        {
            if (!notes.NeedsReview[r]) continue;
            var row = r;
            d.QueueReview(new ReviewItem(0, d.File.Endpoint, requestId,
                PredictionJson.ToText(w => PredictionJson.WriteRow(w, table, row)),
                PredictionJson.ToText(w => PredictionJson.WriteAnswer(w, answer, predicted, row, notes)),
                confidences[r], at) { Row = row, RequestRows = notes.NeedsReview.Length });
        }
    }

    /// <summary>
    /// Scores a batch of shadow copies on the shadow worker's thread: one challenger call for all their rows (one call per copy only when
    /// that fails, to find the failing copy); each answer is paired with the champion's (agreement), counted under arm "shadow" and
    /// logged as REQUEST_ID.shadow. A copy's latency is the batch's time in proportion to its rows.
    /// </summary>
    private void ScoreShadows(IReadOnlyList<ShadowCopy> batch)
    {
        var d = deployment!;
        var challenger = batch[0].Challenger;
        var version = Version(challenger);
        var arrived = time.GetUtcNow();
        var t0 = Stopwatch.GetTimestamp();
        var same = SameSchema(batch[0].Champion, challenger);
        // Each copy's rows for the challenger: the queue's (a row range of the batch's shared table) or the body bound anew.
        var copies = new ShadowCopy?[batch.Count];
        var answers = new Predictions?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                copies[i] = same ? batch[i] : batch[i] with { Rows = BindBody(batch[i].Body, challenger, batch[i].Endpoint).Table, FirstRow = 0, RowCount = -1 };
            }
            catch (Exception e) when (e is RequestException or Keel.Core.KeelInputException)
            {
                ShadowFailed(d, challenger, version, batch[i], TimeSpan.Zero, e);
            }
        }
        var bound = Enumerable.Range(0, batch.Count).Where(i => copies[i] is not null).ToArray();
        if (bound.Length == 0) return;
        try
        {
            d.BeforePredict?.Invoke(ShadowArm);
            var predicted = ShadowBatch.Predict(challenger, bound.Select(i => copies[i]!.Value).ToArray());
            for (var k = 0; k < bound.Length; k++) answers[bound[k]] = predicted[k];
        }
        catch (Exception e) when (e is not OperationCanceledException && bound.Length > 1)
        {
            log.LogDebug(e, "Shadow batch of {Count} copies failed ({Message}); scoring them one at a time", bound.Length, e.Message);
            foreach (var i in bound)
            {
                try
                {
                    d.BeforePredict?.Invoke(ShadowArm);
                    answers[i] = challenger.Predict(copies[i]!.Value.Own());
                }
                catch (Exception one) when (one is not OperationCanceledException)
                {
                    ShadowFailed(d, challenger, version, batch[i], TimeSpan.Zero, one);
                    copies[i] = null;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var i in bound) ShadowFailed(d, challenger, version, batch[i], Stopwatch.GetElapsedTime(t0), e);
            return;
        }
        var elapsed = Stopwatch.GetElapsedTime(t0);
        var rows = Math.Max(1, bound.Sum(i => copies[i]?.Count ?? 0));
        var series = metrics.Route(challenger.Name, version, ShadowArm);
        foreach (var i in bound)
        {
            if (copies[i] is not { } copy || answers[i] is not { } predictions) continue;
            var share = elapsed * ((double)copy.Count / rows);
            var (score, label, multiclass) = DeploymentRuntime.ScoreOf(predictions);
            var requestId = copy.ChampionOutcome.RequestId;
            d.ObserveShadow(copy.ChampionOutcome, new ArmOutcome(requestId, Arm.Challenger, share, false, score, label, multiclass));
            series.Latency.Observe(share.TotalSeconds);
            series.Answered(copy.Endpoint).Inc();
            series.Observe(copy.Rows, copy.FirstRow, copy.Count, predictions);
            writer?.TryEnqueue(new PendingPrediction(requestId + Keel.Core.PredictionLog.PredictionRecord.ShadowSuffix, arrived, challenger.Name, challenger.Version.Version, ShadowArm, copy.Endpoint,
                share.TotalMilliseconds, copy.Rows, predictions, null, copy.FirstRow, copy.Count) { Deployment = d.File.Endpoint });
        }
    }

    private Action<IReadOnlyList<ShadowCopy>>? _scoreShadows;
    private SchemaPair? _schemaPair;

    /// <summary>Whether two models bind requests alike, remembered for the last pair (a request then compares two references).</summary>
    private bool SameSchemaCached(LoadedModel champion, LoadedModel challenger)
    {
        var pair = Volatile.Read(ref _schemaPair);
        if (pair is null || !ReferenceEquals(pair.Champion, champion) || !ReferenceEquals(pair.Challenger, challenger))
        {
            pair = new SchemaPair(champion, challenger, SameSchema(champion, challenger));
            Volatile.Write(ref _schemaPair, pair);
        }
        return pair.Same;
    }

    private sealed record SchemaPair(LoadedModel Champion, LoadedModel Challenger, bool Same);

    /// <summary>A shadow copy the challenger could not answer: observed as failed (guards), counted as a 500 under arm "shadow".</summary>
    private void ShadowFailed(DeploymentRuntime d, LoadedModel challenger, string version, in ShadowCopy copy, TimeSpan latency, Exception e)
    {
        d.Observe(new ArmOutcome(copy.ChampionOutcome.RequestId, Arm.Challenger, latency, true, double.NaN));
        metrics.Errors.WithLabels(challenger.Name, version, ShadowArm, "500").Inc();
        metrics.Requests.WithLabels(challenger.Name, version, ShadowArm, copy.Endpoint, "500").Inc();
        log.LogWarning("{RequestId}: shadow copy for {Model} v{Version} failed: {Message}", copy.ChampionOutcome.RequestId, challenger.Name, version, e.Message);
    }

    private static readonly string[] SmallVersions = Enumerable.Range(0, 256).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The version as headers and metric labels write it (versions under 256 without a new string per request).</summary>
    private static string Version(LoadedModel m) =>
        (uint)m.Version.Version < SmallVersions.Length ? SmallVersions[m.Version.Version] : m.Version.Version.ToString(CultureInfo.InvariantCulture);

    private static int StatusOf(Exception e) => e switch
    {
        RequestException r => r.Status,
        BadHttpRequestException b => b.StatusCode,
        Keel.Core.KeelInputException => 400,
        OperationCanceledException => 499,
        _ => 500,
    };

    /// <summary>Enum values as files and JSON write them (snake_case).</summary>
    internal static string DeploymentText<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
