using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.PredictionLog;

namespace Keel.Core.Deployments;

/// <summary>An answer queued for a person to label, because its confidence was under the review threshold or the mode asks for review.</summary>
/// <param name="Id">Assigned by the store (ignored when enqueuing).</param>
/// <param name="Deployment">The deployment that gave the answer.</param>
/// <param name="RequestId">The prediction request's id (joins the prediction log and feedback).</param>
/// <param name="InputJson">The input row as a JSON object.</param>
/// <param name="OutputJson">The model's answer as JSON (label, probabilities).</param>
/// <param name="Confidence">The answer's confidence (highest class probability), NaN when the task has none.</param>
/// <param name="QueuedAt">When it was queued.</param>
/// <param name="Label">The person's label, null while pending.</param>
/// <param name="LabelledBy">Who labelled it, null while pending.</param>
/// <param name="LabelledAt">When it was labelled, null while pending.</param>
public sealed record ReviewItem(long Id, string Deployment, string RequestId, string InputJson, string OutputJson, double Confidence,
    DateTimeOffset QueuedAt, string? Label = null, string? LabelledBy = null, DateTimeOffset? LabelledAt = null)
{
    /// <summary>Whether a person has labelled it.</summary>
    public bool IsLabelled => Label is not null;

    /// <summary>The answer's 0-based row in its request; null for items queued before Keel kept it.</summary>
    public int? Row { get; init; }

    /// <summary>How many rows its request had; null for items queued before Keel kept it.</summary>
    public int? RequestRows { get; init; }

    /// <summary>Fails unless <paramref name="label"/> can be this answer's true outcome: one of the model's classes (the answer's
    /// probabilities name them; case is ignored, as the feedback join does), or a number for a regression answer.</summary>
    /// <exception cref="KeelInputException">Another label (the message names the item and what was expected).</exception>
    public void CheckLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (Classes() is { } classes)
        {
            if (!classes.Any(c => c.Equals(label, StringComparison.OrdinalIgnoreCase)))
                throw new KeelInputException($"review item {Id} label '{label}': expected one of the model's classes: {string.Join(", ", classes)}");
        }
        else if (!double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw new KeelInputException($"review item {Id} label '{label}': expected a number (the model is a regression model)");
        }
    }

    /// <summary>
    /// The prediction-log outcome of a request from its labelled review items: the label for a one-row request, else a JSON array of one
    /// outcome per row with null for rows no one labelled (a regression answer's label as a number). Null when an item was queued
    /// before Keel kept its row, so it cannot be placed.
    /// </summary>
    /// <param name="labelled">The labelled review items of one request.</param>
    public static string? LogOutcome(IReadOnlyList<ReviewItem> labelled)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        if (labelled.Count == 0 || labelled.Any(i => i.Row is null || i.RequestRows is null || i.Label is null)) return null;
        var rows = labelled[0].RequestRows!.Value;
        var outcomes = new JsonNode?[rows];
        foreach (var item in labelled) outcomes[item.Row!.Value] = item.Outcome();
        return rows == 1 ? outcomes[0]!.ToJsonString() : new JsonArray(outcomes).ToJsonString();
    }

    private JsonNode Outcome() =>
        Classes() is null && double.TryParse(Label, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? JsonValue.Create(v)
            : JsonValue.Create(Label)!;

    /// <summary>The classes the answer's probabilities name, or null for a regression answer.</summary>
    private string[]? Classes()
    {
        using var answer = JsonDocument.Parse(OutputJson);
        var root = answer.RootElement;
        return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("probabilities", out var p)
            && p.ValueKind == JsonValueKind.Object
            ? p.EnumerateObject().Select(c => c.Name).ToArray()
            : null;
    }
}

/// <summary>
/// The true outcome of one earlier prediction, arriving later (POST /feedback, or a reviewer's label). Minimal on purpose:
/// the request id joins it to the prediction log, which knows the deployment, arm and model version.
/// </summary>
/// <param name="RequestId">The prediction request's id.</param>
/// <param name="Outcome">The outcome as text: a class label ("bad"), or a number in invariant culture ("12.5") for regression and numeric A/B metrics.</param>
/// <param name="At">When the outcome was recorded.</param>
/// <param name="Source">Where it came from: "review" for a reviewer's label, "api" for /feedback.</param>
/// <param name="Actor">Who gave it (a reviewer, or the token's name).</param>
public sealed record Feedback(string RequestId, string Outcome, DateTimeOffset At, string Source, string Actor);

/// <summary>A reviewer's label as the prediction log's feedback, which monitoring joins to the logged answers.</summary>
public static class ReviewFeedback
{
    /// <summary>Writes the request's outcome from all its labelled review items to <paramref name="log"/> (the latest feedback of a
    /// request wins, so each label rewrites the request's outcomes with every label given so far). Returns the outcome written, or
    /// null when an item was queued before Keel kept its row (its label stays in the store's feedback only).</summary>
    /// <param name="store">The deployment store holding the review items.</param>
    /// <param name="log">The prediction log.</param>
    /// <param name="requestId">The request whose item was labelled.</param>
    /// <param name="at">When.</param>
    /// <param name="ct">Cancels the write.</param>
    public static async Task<string?> LogAsync(IDeploymentStore store, IPredictionLogStore log, string requestId, DateTimeOffset at, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        var labelled = (await store.ListRequestReviewsAsync(requestId, ct)).Where(i => i.IsLabelled).ToArray();
        if (ReviewItem.LogOutcome(labelled) is not { } outcome) return null;
        await log.AddFeedbackAsync(new FeedbackRecord(requestId, outcome, at), ct);
        return outcome;
    }
}
