using Keel.Core;
using Keel.Core.Deployments;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests.Rollouts;

public sealed class RoutingPolicyTests
{
    private readonly FakeTimeProvider _time = new(Deploy.T0);

    private static int CountChallenger(IRoutingPolicy p, int n, Func<int, string?> key) =>
        Enumerable.Range(0, n).Count(i => p.Route(new RequestContext($"r{i}", key(i))).Primary == Arm.Challenger);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Route_CanarySeededTenThousandRequests_FivePercentWithinTolerance(bool keyed)
    {
        var p = Deploy.Started(Deploy.File("canary: {steps: [5, 100]}"), _time);
        var n = CountChallenger(p, 10_000, i => keyed ? $"user-{i}" : null);
        // Binomial(10000, 0.05) has sd ≈ 21.8: ±4 sd.
        Assert.InRange(n, 500 - 88, 500 + 88);
    }

    [Fact]
    public void Route_AbSeededTenThousandKeys_SplitWithinTolerance()
    {
        var p = Deploy.Started(Deploy.File("ab: {split: 30}"), _time);
        Assert.InRange(CountChallenger(p, 10_000, i => $"customer-{i}"), 3000 - 184, 3000 + 184); // sd ≈ 45.8
    }

    [Fact]
    public void Route_SameKeyManyTimes_SameArmAndStaysOnChallengerAsStepsGrow()
    {
        var file = Deploy.File("canary: {steps: [5, 25, 100], advance_after: {requests: 60}}", "guards: {min_requests: 50, max_score_shift: off, max_p99_ratio: off}");
        var p = Deploy.Started(file, _time);
        var keys = Enumerable.Range(0, 2000).Select(i => $"user-{i}").ToArray();
        var first = keys.ToDictionary(k => k, k => p.Route(new RequestContext("x", k)).Primary);
        foreach (var k in keys) Assert.Equal(first[k], p.Route(new RequestContext("y", k)).Primary);
        // A replica or a restart with another seed routes keys the same way: the hash, not the random source, decides.
        var other = Deploy.Started(file, _time, seed: 99);
        Assert.All(keys, k => Assert.Equal(first[k], other.Route(new RequestContext("z", k)).Primary));
        for (var i = 0; i < 60; i++) p.Observe(Deploy.Ok($"c{i}", Arm.Challenger, 0.3));
        Assert.Equal(25, p.State.ChallengerPercent);
        Assert.All(keys.Where(k => first[k] == Arm.Challenger), k => Assert.Equal(Arm.Challenger, p.Route(new RequestContext("w", k)).Primary));
    }

    [Fact]
    public void Observe_CanaryGuardsHoldForRequests_StepsThenPromotesWithEvents()
    {
        var p = Deploy.Started(Deploy.File("canary: {steps: [5, 25, 50, 100], advance_after: {requests: 100}}", "guards: {max_score_shift: off}"), _time);
        var changes = new List<RolloutChange>();
        for (var i = 0; i < 400; i++)
        {
            p.Observe(Deploy.Ok($"a{i}", Arm.Champion, 0.2));
            if (p.Observe(Deploy.Ok($"b{i}", Arm.Challenger, 0.2)) is { } c) changes.Add(c);
        }
        Assert.Equal([DeploymentEventKind.Step, DeploymentEventKind.Step, DeploymentEventKind.Promote], changes.Select(c => c.Kind));
        Assert.Equal([25.0, 50, 100], changes.Select(c => c.To.ChallengerPercent));
        Assert.All(changes, c => Assert.Equal("rollout", c.Actor));
        Assert.Contains("guards held for 100 challenger requests", changes[0].Reason);
        Assert.Equal(RolloutPhase.Promoted, p.Phase());
        Assert.Equal(Arm.Challenger, p.Route(new RequestContext("r", "anyone")).Primary);
    }

    [Fact]
    public void Adopt_RunningAgainAfterRollback_NewAttemptCountsItsStepFromZero()
    {
        var file = Deploy.File("canary: {steps: [10, 50, 100], advance_after: {requests: 60}}", "guards: {min_requests: 10, max_score_shift: off}");
        var p = Deploy.Started(file, _time);
        for (var i = 0; i < 50; i++) Assert.Null(p.Observe(Deploy.Ok($"b{i}", Arm.Challenger, 0.2)));
        p.Rollback("ann", "drill");
        // `keel deployments start` on another machine: this server adopts the new attempt from the store.
        var again = RoutingPolicies.Create(file, p.State, _time).Start("bob").To;
        p.Adopt(again);
        Assert.Equal((RolloutPhase.Running, 10.0), (p.State.Phase, p.State.ChallengerPercent));
        // The 50 requests of the attempt that was rolled back do not count toward the new attempt's first step.
        for (var i = 0; i < 59; i++) Assert.Null(p.Observe(Deploy.Ok($"c{i}", Arm.Challenger, 0.2)));
        Assert.Equal(DeploymentEventKind.Step, p.Observe(Deploy.Ok("c59", Arm.Challenger, 0.2))!.Kind);
    }

    [Fact]
    public void Start_RunningOrPromoted_RefusedNamingWhatToDo()
    {
        var p = Deploy.Started(Deploy.File("canary: {steps: [10, 100]}"), _time);
        Assert.Contains("is already running; roll it back before starting again", Assert.Throws<KeelInputException>(() => p.Start("ann")).Message);
        p.Rollback("ann", "drill");
        var start = p.Start("ann");
        Assert.Equal((DeploymentEventKind.Start, RolloutPhase.Running, 10.0), (start.Kind, start.To.Phase, start.To.ChallengerPercent));
        p.Promote("ann", null);
        Assert.Contains("is already promoted", Assert.Throws<KeelInputException>(() => p.Start("ann")).Message);
    }

    [Fact]
    public void Observe_CanaryGuardsHoldForDuration_AdvancesOnFakeClock()
    {
        var p = Deploy.Started(Deploy.File("canary: {steps: [10, 100], advance_after: {duration: 10m}}", "guards: {min_requests: 5, max_score_shift: off}"), _time);
        for (var i = 0; i < 20; i++) Assert.Null(p.Observe(Deploy.Ok($"b{i}", Arm.Challenger, 0.2)));
        _time.Advance(TimeSpan.FromMinutes(10));
        var c = p.Observe(Deploy.Ok("late", Arm.Challenger, 0.2));
        Assert.Equal(DeploymentEventKind.Promote, c!.Kind);
        Assert.Contains("guards held for 600 s", c.Reason);
    }

    [Fact]
    public void Observe_CanaryChallengerErrors_RollsBackAutomaticallyWithReason()
    {
        var p = Deploy.Started(Deploy.File("canary: {steps: [50, 100]}", "guards: {max_error_rate: 0.05, min_requests: 50, window: 100}"), _time);
        RolloutChange? change = null;
        for (var i = 0; i < 100 && change is null; i++)
            change = p.Observe(i % 5 == 0 ? Deploy.Failed($"b{i}", Arm.Challenger) : Deploy.Ok($"b{i}", Arm.Challenger, 0.2));
        Assert.Equal(DeploymentEventKind.Rollback, change!.Kind);
        Assert.Equal(("rollout", RolloutPhase.RolledBack, 0.0), (change.Actor, change.To.Phase, change.To.ChallengerPercent));
        Assert.StartsWith("guard: challenger error rate 20.0% over the limit 5.0% in the last 50 requests", change.Reason);
        Assert.Equal(0, CountChallenger(p, 1000, i => $"u{i}"));
    }

    [Fact]
    public void Observe_ChallengerSlowerThanTwiceChampion_RollsBack()
    {
        var p = Deploy.Started(Deploy.File("blue_green", "guards: {window: 200}"), _time);
        for (var i = 0; i < 200; i++) p.Observe(Deploy.Ok($"a{i}", Arm.Champion, 0.2, ms: 8 + i % 5));
        p.Promote("ann", "looks good");
        RolloutChange? change = null;
        var seen = 0;
        for (; seen < 200 && change is null; seen++) change = p.Observe(Deploy.Ok($"b{seen}", Arm.Challenger, 0.2, ms: seen % 10 == 0 ? 80 : 9));
        Assert.Equal(DeploymentEventKind.Rollback, change!.Kind);
        Assert.Contains("challenger p99 latency 80 ms over 2× the champion's 12 ms and more than 5 ms over it in the last 100 requests", change.Reason);
        // Not before the 100th: the p99 of fewer values is their maximum, one slow request.
        Assert.Equal(100, seen);
        Assert.Equal(Arm.Champion, p.Route(new RequestContext("r")).Primary);
    }

    [Fact]
    public void Observe_ChallengerP99TwiceChampionsButUnderTheGap_KeepsRunning()
    {
        // Sub-millisecond p99s: the challenger's is 8 times the champion's but 0.7 ms over it, under the default gap of 5 ms.
        var p = Deploy.Started(Deploy.File("canary: {steps: [50, 100], advance_after: {requests: 100000}}", "guards: {max_score_shift: off}"), _time);
        for (var i = 0; i < 1000; i++) p.Observe(Deploy.Ok($"a{i}", Arm.Champion, 0.2, ms: 0.1));
        for (var i = 0; i < 1000; i++) Assert.Null(p.Observe(Deploy.Ok($"b{i}", Arm.Challenger, 0.2, ms: i % 20 == 0 ? 0.8 : 0.1)));
        Assert.Equal(RolloutPhase.Running, p.State.Phase);
        // The same figures breach once the gap allows them.
        var strict = Deploy.Started(Deploy.File("canary: {steps: [50, 100], advance_after: {requests: 100000}}", "guards: {max_score_shift: off, min_p99_gap_ms: 0.5}"), _time);
        for (var i = 0; i < 1000; i++) strict.Observe(Deploy.Ok($"a{i}", Arm.Champion, 0.2, ms: 0.1));
        RolloutChange? change = null;
        for (var i = 0; i < 1000 && change is null; i++) change = strict.Observe(Deploy.Ok($"b{i}", Arm.Challenger, 0.2, ms: i % 20 == 0 ? 0.8 : 0.1));
        Assert.Contains("challenger p99 latency 0.8 ms over 2× the champion's 0.1 ms and more than 0.5 ms over it", change!.Reason);
    }

    [Fact]
    public void Observe_ChallengerAbsoluteP99OverLimit_RollsBack()
    {
        var p = Deploy.Started(Deploy.File("canary: {steps: [50, 100]}", "guards: {max_p99_latency_ms: 100, max_p99_ratio: off, min_requests: 20, window: 100}"), _time);
        RolloutChange? change = null;
        var seen = 0;
        for (; seen < 200 && change is null; seen++) change = p.Observe(Deploy.Ok($"b{seen}", Arm.Challenger, 0.2, ms: 150));
        Assert.Contains("p99 latency 150 ms over the limit 100 ms", change!.Reason);
        Assert.Equal(100, seen);
    }

    [Fact]
    public void Observe_ChallengerScoresShifted_RollsBackOnPsi()
    {
        var p = Deploy.Started(Deploy.File("ab: {split: 50}", "guards: {window: 200}"), _time);
        var rng = new Random(1);
        RolloutChange? change = null;
        for (var i = 0; i < 200 && change is null; i++)
        {
            p.Observe(Deploy.Ok($"a{i}", Arm.Champion, rng.NextDouble() * 0.5));
            change = p.Observe(Deploy.Ok($"b{i}", Arm.Challenger, 0.5 + rng.NextDouble() * 0.5));
        }
        Assert.Equal(DeploymentEventKind.Rollback, change!.Kind);
        Assert.Contains("score distribution shifted", change.Reason);
    }

    [Fact]
    public void Observe_SameScoreDistribution_NoRollback()
    {
        var p = Deploy.Started(Deploy.File("ab: {split: 50}"), _time);
        var rng = new Random(2);
        for (var i = 0; i < 5000; i++)
        {
            Assert.Null(p.Observe(Deploy.Ok($"a{i}", Arm.Champion, rng.NextDouble())));
            Assert.Null(p.Observe(Deploy.Ok($"b{i}", Arm.Challenger, rng.NextDouble())));
        }
        Assert.InRange(p.Report().Guards.ScoreShiftPsi, 0, 0.05);
        Assert.Equal(RolloutPhase.Running, p.Phase());
    }

    [Fact]
    public void PromoteRollback_BlueGreen_MovesAllTrafficAtOnce()
    {
        var p = Deploy.Started(Deploy.File("blue_green"), _time);
        Assert.Equal(0, CountChallenger(p, 1000, i => $"u{i}"));
        var promote = p.Promote("ann", "release 7");
        Assert.Equal((DeploymentEventKind.Promote, RolloutPhase.Promoted, 100.0, "ann"), (promote.Kind, promote.To.Phase, promote.To.ChallengerPercent, promote.Actor));
        Assert.Equal(1000, CountChallenger(p, 1000, i => $"u{i}"));
        var back = p.Rollback("ann", "support tickets");
        Assert.Equal((DeploymentEventKind.Rollback, "support tickets"), (back.Kind, back.Reason));
        Assert.Equal(0, CountChallenger(p, 1000, i => $"u{i}"));
    }

    [Fact]
    public void Start_AlreadyRunning_ThrowsInput() =>
        Assert.Throws<Keel.Core.KeelInputException>(() => Deploy.Started(Deploy.File("blue_green"), _time).Start("ann"));

    [Fact]
    public void Route_ShadowRunning_ChampionAnswersChallengerGetsCopyAndAgreementCounted()
    {
        var p = Deploy.Started(Deploy.File("shadow"), _time);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(new RouteDecision(Arm.Champion, Arm.Challenger), p.Route(new RequestContext($"r{i}"))));
        // 4 requests: labels agree on 3; score differences 0.1, 0.0, 0.3 and 0.2.
        double[][] scores = [[0.2, 0.3], [0.7, 0.7], [0.4, 0.7], [0.9, 0.7]];
        for (var i = 0; i < scores.Length; i++)
        {
            var champion = Deploy.Ok($"r{i}", Arm.Champion, scores[i][0]);
            Assert.Null(p.Observe(champion));
            Assert.Null(p.ObserveShadow(champion, Deploy.Ok($"r{i}", Arm.Challenger, scores[i][1])));
        }
        p.Observe(Deploy.Failed("r9", Arm.Challenger)); // a failing shadow never rolls anything back: it serves nobody
        var a = p.Report().Agreement!;
        Assert.Equal(4, a.Pairs);
        Assert.Equal(0.75, a.LabelAgreementRate);
        Assert.Equal(0.15, a.MeanScoreDifference, 12);
        Assert.Equal(0.3, a.MaxScoreDifference, 12);
        Assert.Equal(RolloutPhase.Running, p.Phase());
    }

    [Fact]
    public void Report_AbBeforePlannedSample_NoVerdictThenVerdictEqualToFormula()
    {
        var p = (AbPolicy)Deploy.Started(Deploy.File("ab: {split: 50, outcome: binary, positive: repaid, baseline_rate: 0.3, minimum_effect: 0.1, alpha: 0.05, power: 0.8}"), _time);
        Assert.Equal(AbStatistics.SampleSizeBinary(0.3, 0.1, 0.05, 0.8), p.PlannedPerArm);
        var n = (int)p.PlannedPerArm;
        for (var i = 0; i < n - 1; i++)
        {
            p.ObserveFeedback(new ArmFeedback(Arm.Champion, i % 10 < 3 ? "repaid" : "defaulted"));
            p.ObserveFeedback(new ArmFeedback(Arm.Challenger, i % 10 < 4 ? "repaid" : "defaulted"));
        }
        Assert.Null(p.Report().Ab!.Verdict);
        p.ObserveFeedback(new ArmFeedback(Arm.Champion, "defaulted"));
        Assert.Null(p.Report().Ab!.Verdict);
        p.ObserveFeedback(new ArmFeedback(Arm.Challenger, "defaulted"));
        var r = p.Report().Ab!;
        Assert.Equal(AbStatistics.TwoProportion(r.Champion, r.Challenger, 0.05), r.Verdict);
        Assert.Equal("two-proportion z-test", r.Verdict!.Test);
        Assert.True(r.Verdict.Difference > 0);
    }

    [Fact]
    public void ObserveFeedback_AbOutcomeCorrect_SuccessWhenTheLabelConfirmsTheArmsAnswer()
    {
        var p = (AbPolicy)Deploy.Started(Deploy.File("ab: {outcome: correct, baseline_rate: 0.8, minimum_effect: 0.1}"), _time);
        Assert.Equal(AbStatistics.SampleSizeBinary(0.8, 0.1, 0.05, 0.8), p.PlannedPerArm);
        // The champion answered 'bad' where the truth was 'good' (wrong) and 'good' where it was 'GOOD' (right: case ignored); the challenger
        // was right twice. An outcome whose answer is not known counts for neither.
        p.ObserveFeedback(new ArmFeedback(Arm.Champion, "good", "bad"));
        p.ObserveFeedback(new ArmFeedback(Arm.Champion, "GOOD", "good"));
        p.ObserveFeedback(new ArmFeedback(Arm.Challenger, "bad", "bad"));
        p.ObserveFeedback(new ArmFeedback(Arm.Challenger, "good", "good"));
        p.ObserveFeedback(new ArmFeedback(Arm.Challenger, "good"));
        var r = p.Report().Ab!;
        Assert.Equal((2L, 0.5, 2L, 1.0), (r.Champion.Count, r.Champion.Mean, r.Challenger.Count, r.Challenger.Mean));
    }

    [Theory]
    [InlineData("ab: {split: 50}", false)]
    [InlineData("bandit", false)]
    [InlineData("ab: {split: 50}", true)]
    [InlineData("bandit", true)]
    public void NewAttempt_AbOrBandit_OutcomesOfTheLastAttemptNoLongerCount(string strategy, bool startedElsewhere)
    {
        var p = Deploy.Started(Deploy.File(strategy), _time);
        for (var i = 0; i < 30; i++)
        {
            p.ObserveFeedback(new ArmFeedback(Arm.Champion, "1"));
            p.ObserveFeedback(new ArmFeedback(Arm.Challenger, "0"));
        }
        p.Rollback("ann", "wrong features");
        // A new attempt, started here or by another process (`keel deployments start`, `keel retrain` re-arming it).
        if (startedElsewhere) p.Adopt(p.State with { Phase = RolloutPhase.Running, ChallengerPercent = 50 });
        else p.Start("ann");
        p.ObserveFeedback(new ArmFeedback(Arm.Challenger, "1"));

        var r = p.Report();
        var (champion, challenger) = r.Ab is { } ab ? (ab.Champion, ab.Challenger) : (r.Bandit!.Champion, r.Bandit.Challenger);
        Assert.Equal((0L, 1L, 1.0), (champion.Count, challenger.Count, challenger.Mean));
    }

    [Theory]
    [InlineData("ab: {split: 50}", 0)]
    [InlineData("bandit", 30)]
    public void ChallengerReplaced_AbOrBandit_ItsOutcomesAndGuardWindowStartAgain(string strategy, long championAfter)
    {
        var p = Deploy.Started(Deploy.File(strategy), _time);
        for (var i = 0; i < 30; i++)
        {
            p.ObserveFeedback(new ArmFeedback(Arm.Champion, "1"));
            p.ObserveFeedback(new ArmFeedback(Arm.Challenger, "0"));
            p.Observe(Deploy.Ok($"c{i}", Arm.Challenger, 0.3));
        }

        p.ChallengerReplaced();

        var r = p.Report();
        var (champion, challenger) = r.Ab is { } ab ? (ab.Champion, ab.Challenger) : (r.Bandit!.Champion, r.Bandit.Challenger);
        // An A/B test compares the arms over the same time, so both start again; a bandit keeps what it learnt of the champion.
        Assert.Equal((championAfter, 0L), (champion.Count, challenger.Count));
        Assert.Equal(0, r.Guards.ChallengerRequests);
        Assert.Equal(RolloutPhase.Running, p.Phase());
    }

    [Fact]
    public void ObserveFeedback_NumericAbGivenText_ThrowsInputNamingValue()
    {
        var p = Deploy.Started(Deploy.File("ab: {outcome: numeric, standard_deviation: 2, minimum_effect: 0.5}"), _time);
        var e = Assert.Throws<Keel.Core.KeelInputException>(() => p.ObserveFeedback(new ArmFeedback(Arm.Champion, "lots")));
        Assert.Contains("'lots'", e.Message);
    }

    [Theory]
    [InlineData("thompson")]
    [InlineData("epsilon_greedy")]
    public void Route_BanditSeeded_BetterArmGetsMostTrafficAndSameSeedSameRoutes(string algorithm)
    {
        var file = Deploy.File($"bandit: {{algorithm: {algorithm}, epsilon: 0.1, positive: '1'}}");
        List<Arm> Simulate()
        {
            var p = Deploy.Started(file, _time, seed: 11);
            var world = new Random(5); // the simulated users: champion converts 10%, challenger 25%
            var arms = new List<Arm>();
            for (var i = 0; i < 3000; i++)
            {
                var arm = p.Route(new RequestContext($"r{i}")).Primary;
                arms.Add(arm);
                var converted = world.NextDouble() < (arm == Arm.Challenger ? 0.25 : 0.10);
                p.ObserveFeedback(new ArmFeedback(arm, converted ? "1" : "0"));
            }
            return arms;
        }
        var first = Simulate();
        Assert.Equal(first, Simulate());
        var lastThousand = first.Skip(2000).Count(a => a == Arm.Challenger);
        Assert.True(lastThousand > 850, $"challenger got {lastThousand} of the last 1000 requests");
    }

    [Fact]
    public void Adopt_PromotedElsewhere_RoutesToChallenger()
    {
        var p = Deploy.Started(Deploy.File("canary"), _time);
        p.Adopt(p.State with { Phase = RolloutPhase.Promoted, ChallengerPercent = 100 });
        Assert.Equal(Arm.Challenger, p.Route(new RequestContext("r", "k")).Primary);
    }

    [Fact]
    public void Adopt_RunningAgainAfterRollbackElsewhere_OldChallengerFailuresDoNotJudgeTheNewAttempt()
    {
        var p = Deploy.Started(Deploy.File("canary: {steps: [50, 100]}", "guards: {max_error_rate: 0.05, min_requests: 20, window: 100}"), _time);
        // 4 failures in 30 challenger requests: 13% — over the limit once judged; rolled back elsewhere before this server saw the rest.
        for (var i = 0; i < 4; i++) p.Observe(Deploy.Failed($"f{i}", Arm.Challenger));
        p.Adopt(p.State with { Phase = RolloutPhase.RolledBack, ChallengerPercent = 0 });
        p.Adopt(p.State with { Phase = RolloutPhase.Running, ChallengerPercent = 50 });
        RolloutChange? change = null;
        for (var i = 0; i < 40 && change is null; i++) change = p.Observe(Deploy.Ok($"ok{i}", Arm.Challenger, 0.2));
        Assert.Null(change);
        Assert.Equal(RolloutPhase.Running, p.Phase());
    }

    [Fact]
    public void ChangeMode_Assist_RecordedAsModeEventAndRoutingUnchanged()
    {
        var p = Deploy.Started(Deploy.File("canary"), _time);
        var before = p.State;
        var change = p.ChangeMode(DeploymentMode.Assist, "ann", "new team");
        Assert.Equal((DeploymentEventKind.Mode, DeploymentMode.Assist, "ann", "new team"), (change.Kind, change.To.Mode, change.Actor, change.Reason));
        Assert.Equal(before with { Mode = DeploymentMode.Assist }, p.State);
    }
}
