namespace Keel.Serving.Rollouts;

/// <summary>What a policy has seen so far; parts that do not apply to the strategy are null.</summary>
/// <param name="Guards">The guard figures over the current windows.</param>
/// <param name="Agreement">Shadow: how often the challenger agreed with the champion.</param>
/// <param name="Ab">A/B: the plan, the outcomes so far, and the verdict once the planned sample is reached.</param>
/// <param name="Bandit">Bandit: traffic and rewards per arm.</param>
public sealed record RolloutReport(GuardSnapshot Guards, AgreementReport? Agreement = null, AbReport? Ab = null, BanditReport? Bandit = null);

/// <summary>Guard figures over the recent window; NaN where there is not enough data yet.</summary>
public sealed record GuardSnapshot(int ChampionRequests, int ChallengerRequests, double ChallengerErrorRate, double ChampionP99Ms, double ChallengerP99Ms, double ScoreShiftPsi);

/// <summary>Shadow agreement over every request both arms answered.</summary>
/// <param name="Pairs">Requests answered by both.</param>
/// <param name="LabelAgreementRate">Share of pairs with the same label (NaN when no labelled pairs).</param>
/// <param name="MeanScoreDifference">Mean of |challenger score − champion score|.</param>
/// <param name="MaxScoreDifference">Largest |challenger score − champion score|.</param>
/// <param name="Dropped">Shadow copies not scored because the shadow queue was full (the answers never wait for copies).</param>
public sealed record AgreementReport(long Pairs, double LabelAgreementRate, double MeanScoreDifference, double MaxScoreDifference, long Dropped = 0);

/// <summary>An A/B test's plan, progress and (once the plan is met) verdict.</summary>
/// <param name="PlannedPerArm">Outcomes needed per arm, computed up front from minimum effect, alpha and power.</param>
/// <param name="Champion">The champion's outcomes so far.</param>
/// <param name="Challenger">The challenger's outcomes so far.</param>
/// <param name="Verdict">Null until both arms have <paramref name="PlannedPerArm"/> outcomes.</param>
public sealed record AbReport(long PlannedPerArm, ArmSummary Champion, ArmSummary Challenger, AbVerdict? Verdict);

/// <summary>Outcomes of one arm: count, mean (the success rate for binary outcomes) and sample variance.</summary>
public sealed record ArmSummary(long Count, double Mean, double Variance);

/// <summary>The verdict of an A/B test: challenger minus champion, its confidence interval and the two-sided p-value.</summary>
/// <param name="Test">"two-proportion z-test" or "Welch's t-test".</param>
/// <param name="Difference">Challenger mean − champion mean.</param>
/// <param name="Low">Lower end of the (1 − alpha) confidence interval of the difference.</param>
/// <param name="High">Upper end.</param>
/// <param name="Statistic">z or t.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom (t-test), NaN for the z-test.</param>
/// <param name="Significant">Whether <paramref name="PValue"/> is under alpha.</param>
public sealed record AbVerdict(string Test, double Difference, double Low, double High, double Statistic, double PValue, double DegreesOfFreedom, bool Significant);

/// <summary>A bandit's arms: requests routed, rewards seen, successes, and the posterior (Thompson) or observed (epsilon-greedy) mean reward.</summary>
public sealed record BanditReport(long ChampionRouted, long ChallengerRouted, ArmSummary Champion, ArmSummary Challenger);
