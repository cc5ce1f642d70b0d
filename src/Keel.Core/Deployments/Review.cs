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
