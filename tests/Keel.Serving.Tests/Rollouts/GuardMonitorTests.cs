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

    /// <summary>Fills both windows (100 each) with multiclass answers: the champion unsure (0.4–0.6), the challenger sure (0.9–1.0).</summary>
    private static GuardMonitor Multiclass(Func<int, string> championClass, Func<int, string> challengerClass)
    {
        var guards = new GuardMonitor(new GuardOptions { Window = 100, MinRequests = 10 });
        for (var i = 0; i < 100; i++)
        {
            guards.Add(new ArmOutcome("r", Arm.Champion, TimeSpan.FromMilliseconds(1), false, 0.4 + i / 500.0, championClass(i), Multiclass: true));
            guards.Add(new ArmOutcome("r", Arm.Challenger, TimeSpan.FromMilliseconds(1), false, 0.9 + i / 1000.0, challengerClass(i), Multiclass: true));
        }
        return guards;
    }

    [Fact]
    public void Breach_MulticlassMoreConfidentSameClasses_Holds()
    {
        // Half sun, 30% rain, 20% fog on both arms; the challenger is only more confident, as another model family is.
        static string Weather(int i) => i % 10 < 5 ? "sun" : i % 10 < 8 ? "rain" : "fog";
        var guards = Multiclass(Weather, Weather);
        Assert.Null(guards.Breach());
        Assert.Equal(0, guards.Snapshot().ScoreShiftPsi, 12);
    }

    [Fact]
    public void Breach_MulticlassPredictedClassesShift_BreaksNamingClasses()
    {
        // The champion: 80 sun, 20 rain; the challenger: 20 sun, 80 rain.
        var guards = Multiclass(i => i < 80 ? "sun" : "rain", i => i < 20 ? "sun" : "rain");
        // Shares with 0.5 added to each count: (80.5/101, 20.5/101) against (20.5/101, 80.5/101).
        var expected = 2 * (60 / 101.0) * Math.Log(80.5 / 20.5);
        Assert.Equal(expected, guards.Snapshot().ScoreShiftPsi, 12);
        Assert.StartsWith($"challenger predicted-class distribution shifted from the champion's: PSI {expected:0.###} over the limit 0.25", guards.Breach(), StringComparison.Ordinal);
    }

    [Fact]
    public void ClassPsi_ClassOnlyOneArmPredicts_CountsWithSmoothing()
    {
        // A class the champion never predicted (fog) adds its share; PSI of identical windows is 0.
        Assert.Equal(0, GuardMonitor.ClassPsi(["a", "b"], ["b", "a"]), 12);
        var champion = Enumerable.Repeat("sun", 90).Concat(Enumerable.Repeat("rain", 10)).ToArray();
        var challenger = Enumerable.Repeat("sun", 80).Concat(Enumerable.Repeat("rain", 10)).Concat(Enumerable.Repeat("fog", 10)).ToArray();
        double E(double c) => (c + 0.5) / 101.5;
        var expected = (E(80) - E(90)) * Math.Log(E(80) / E(90)) + 0 + (E(10) - E(0)) * Math.Log(E(10) / E(0));
        Assert.Equal(expected, GuardMonitor.ClassPsi(champion, challenger), 12);
    }
}
