using Keel.Core.Deployments;

namespace Keel.Serving.Rollouts;

/// <summary>The two arms of a deployment.</summary>
public enum Arm
{
    /// <summary>The model in production.</summary>
    Champion,
    /// <summary>The model being rolled out.</summary>
    Challenger,
}

/// <summary>What routing needs to know about one request.</summary>
/// <param name="RequestId">The request's id (joins shadow answers, feedback and the log).</param>
/// <param name="RoutingKey">The sticky key's value (from the header or input field the file names), or null: then the arm is drawn at random (seeded).</param>
public sealed record RequestContext(string RequestId, string? RoutingKey = null);

/// <summary>Where one request goes.</summary>
/// <param name="Primary">The arm whose answer is returned.</param>
/// <param name="Shadow">An arm that also gets a copy, off the hot path (its answer is logged, never returned); null when none.</param>
public sealed record RouteDecision(Arm Primary, Arm? Shadow = null);

/// <summary>How one arm did on one request: for guards (errors, latency, score shift) and shadow agreement.</summary>
/// <param name="RequestId">The request's id.</param>
/// <param name="Arm">Which arm answered.</param>
/// <param name="Latency">Time the arm took to answer.</param>
/// <param name="Failed">Whether the arm failed (an exception or a 5xx), not the caller's bad input.</param>
/// <param name="Score">The answer's score: positive-class probability (binary), highest probability (multiclass), value (regression); NaN when failed.</param>
/// <param name="Label">The answer's label (classification), for agreement; null for regression or failures.</param>
/// <param name="Multiclass">Whether the answer is a multiclass classifier's: its score is a confidence, so the score-shift guard compares
/// the predicted classes' distribution instead.</param>
public sealed record ArmOutcome(string RequestId, Arm Arm, TimeSpan Latency, bool Failed, double Score, string? Label = null, bool Multiclass = false);

/// <summary>The true outcome of a request, from feedback, attributed to the arm that answered it (the prediction log knows which).</summary>
/// <param name="Arm">The arm that answered the request.</param>
/// <param name="Outcome">The outcome as given in feedback: a label, or a number in invariant culture.</param>
/// <param name="Answered">The label the arm answered for the outcome's row (after post-processing), when the outcome is judged by whether
/// the answer was right (<see cref="OutcomeKind.Correct"/>); null otherwise or when not known.</param>
public sealed record ArmFeedback(Arm Arm, string Outcome, string? Answered = null);

/// <summary>A state change the policy made or was asked to make; the host appends it with <see cref="IDeploymentStore.ChangeStateAsync"/>.</summary>
public sealed record RolloutChange(DeploymentEventKind Kind, DeploymentState To, string Actor, string? Reason);

/// <summary>
/// A rollout strategy as a pure object: the host asks where each request goes, reports how arms did and what feedback arrived, and records
/// the changes the policy returns. Time and randomness are injected, so the same seed and clock give the same routing. Thread-safe.
/// </summary>
public interface IRoutingPolicy
{
    /// <summary>The current state (phase, mode, challenger share, step).</summary>
    DeploymentState State { get; }

    /// <summary>Which arm answers <paramref name="request"/>, and whether the challenger gets a shadow copy.</summary>
    RouteDecision Route(RequestContext request);

    /// <summary>Takes one arm's outcome; returns a change when it advanced a step or broke a guard (then the challenger is rolled back), else null.</summary>
    RolloutChange? Observe(ArmOutcome outcome);

    /// <summary>
    /// Takes the challenger's outcome on a shadow copy together with the champion's on the same request (already observed when it
    /// answered): the challenger's is observed as <see cref="Observe"/> does, and the pair counts towards agreement.
    /// </summary>
    RolloutChange? ObserveShadow(ArmOutcome champion, ArmOutcome challenger);

    /// <summary>Takes a request's true outcome (A/B and bandit use it; others ignore it); returns a change when one happened, else null.</summary>
    /// <exception cref="Keel.Core.KeelInputException">A numeric outcome is not a number.</exception>
    RolloutChange? ObserveFeedback(ArmFeedback feedback);

    /// <summary>Starts serving under the strategy (from created or rolled back).</summary>
    RolloutChange Start(string actor);

    /// <summary>Moves all traffic to the challenger.</summary>
    RolloutChange Promote(string actor, string? reason);

    /// <summary>Moves all traffic back to the champion at once.</summary>
    RolloutChange Rollback(string actor, string reason);

    /// <summary>Changes the human-in-the-loop mode (routing is unchanged).</summary>
    RolloutChange ChangeMode(DeploymentMode mode, string actor, string? reason);

    /// <summary>Takes a state changed elsewhere (e.g. <c>keel deployments promote</c> on the store) without recording anything.</summary>
    void Adopt(DeploymentState state);

    /// <summary>Another version now answers as the challenger (its alias moved): the evidence about the one before it (its guard window,
    /// A/B outcomes, bandit rewards) no longer counts; the champion's and the state stay.</summary>
    void ChallengerReplaced();

    /// <summary>What the policy has seen: guard figures, shadow agreement, A/B plan and verdict, bandit arms.</summary>
    RolloutReport Report();
}
