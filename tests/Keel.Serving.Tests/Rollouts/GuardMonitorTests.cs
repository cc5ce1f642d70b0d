using System.Runtime.CompilerServices;
using Keel.Serving.Rollouts;

namespace Keel.Serving.Tests.Rollouts;

/// <summary>The guards' windows keep values, not the outcomes handed to them, so a request's objects die young.</summary>
public sealed class GuardMonitorTests
{
    [Fact]
    public void Add_OutcomesInTheWindow_KeepsNoneOfThemAlive()
    {
        var guards = new GuardMonitor(new GuardOptions());
        var outcomes = AddAndForget(guards);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.All(outcomes, o => Assert.False(o.TryGetTarget(out _)));
        // The figures are still there.
        var s = guards.Snapshot();
        Assert.Equal((100, 100), (s.ChampionRequests, s.ChallengerRequests));
        Assert.Equal(0.1, s.ChallengerErrorRate, 12);
        Assert.Equal(98, s.ChallengerP99Ms, 12); // nearest rank of 0..99 ms
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference<ArmOutcome>> AddAndForget(GuardMonitor guards)
    {
        var refs = new List<WeakReference<ArmOutcome>>();
        for (var i = 0; i < 100; i++)
        {
            foreach (var arm in new[] { Arm.Champion, Arm.Challenger })
            {
                var o = new ArmOutcome(Guid.NewGuid().ToString("N"), arm, TimeSpan.FromMilliseconds(i), arm == Arm.Challenger && i % 10 == 0, i / 100.0, "good");
                guards.Add(o);
                refs.Add(new WeakReference<ArmOutcome>(o));
            }
        }
        return refs;
    }

    [Fact]
    public void Breach_FailuresLeaveTheWindow_ErrorRateFollows()
    {
        var guards = new GuardMonitor(new GuardOptions { Window = 10, MinRequests = 10, MaxErrorRate = 0.5 });
        for (var i = 0; i < 10; i++) guards.Add(new ArmOutcome("r", Arm.Challenger, TimeSpan.FromMilliseconds(1), i < 6, 0.5));
        Assert.Contains("error rate 60.0%", guards.Breach(), StringComparison.Ordinal);
        // Ten successes push the six failures out of the window.
        for (var i = 0; i < 10; i++) guards.Add(new ArmOutcome("r", Arm.Challenger, TimeSpan.FromMilliseconds(1), false, 0.5));
        Assert.Equal(0, guards.Snapshot().ChallengerErrorRate);
    }
}
