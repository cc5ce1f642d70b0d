using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Training.MlNet;

namespace Keel.Training.Tests;

public class OpenMpThreadTests
{
    [Fact]
    public async Task Run_FromManyThreads_AlwaysRunsOnTheSameThread()
    {
        var callers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            (Caller: Environment.CurrentManagedThreadId, Runner: OpenMpThread.Run(() => Environment.CurrentManagedThreadId)))));

        Assert.Single(callers.Select(c => c.Runner).Distinct());
        Assert.DoesNotContain(callers[0].Runner, callers.Select(c => c.Caller));
    }

    [Fact]
    public void Run_Failure_IsRethrownToTheCallerAndTheThreadGoesOn()
    {
        var e = Assert.Throws<InvalidDataException>(() => OpenMpThread.Run<int>(() => throw new InvalidDataException("bad rows")));

        Assert.Equal("bad rows", e.Message);
        Assert.Equal(42, OpenMpThread.Run(() => 42));
    }

    [Fact]
    public void Run_CalledFromTheThreadItself_RunsInline()
    {
        var (outer, inner) = OpenMpThread.Run(() => (Environment.CurrentManagedThreadId, OpenMpThread.Run(() => Environment.CurrentManagedThreadId)));

        Assert.Equal(outer, inner);
    }

    [Fact]
    public async Task LightGbm_FitFromPoolThreads_OpenMpWorkersHangOffTheOneThread()
    {
        // Linux names a new thread after the thread that creates it, so LightGBM's OpenMP workers carry the name of the thread
        // that called LightGBM. Fits from two pool threads with two threads each: every OpenMP worker is the one thread's.
        Assert.True(OperatingSystem.IsLinux(), "the test reads /proc/self/task");
        var (train, test) = TestData.Split(TestData.Credit());
        var fits = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => FitLightGbm(train, 20, "2").Model.Predict(test.Features))));

        Assert.Equal(fits[0].Probabilities!.Select(r => r[1]), fits[1].Probabilities!.Select(r => r[1]));
        var named = Directory.GetDirectories("/proc/self/task").Count(t => Name(t) == "Keel LightGBM");
        Assert.True(named >= 2, $"{named} thread(s) named 'Keel LightGBM': the OpenMP worker was not created by it");
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 1)]
    public void LightGbm_EveryFitWhateverItsThreads_OnTheOneThread(string threads, int calls)
    {
        // LightGBM's thread count is one process-wide variable: fits of different counts at once corrupt memory.
        var (train, _) = TestData.Split(TestData.Credit());
        var before = OpenMpThread.CallsFromThisThread;

        FitLightGbm(train, 5, threads);

        Assert.Equal(calls, OpenMpThread.CallsFromThisThread - before);
    }

    [Fact]
    public async Task LightGbm_FitsOfOneAndTwoThreadsAtOnce_EachTheModelItMakesAlone()
    {
        var (train, test) = TestData.Split(TestData.Credit());
        double[] Scores(string threads) => [.. FitLightGbm(train, 30, threads).Model.Predict(test.Features).Probabilities!.Select(r => r[1])];
        var alone = new Dictionary<string, double[]> { ["1"] = Scores("1"), ["2"] = Scores("2") };

        var threads = Enumerable.Range(0, 8).Select(i => i % 2 == 0 ? "1" : "2").ToArray();
        var together = await Task.WhenAll(threads.Select(t => Task.Run(() => Scores(t))));

        for (var i = 0; i < threads.Length; i++) Assert.Equal(alone[threads[i]], together[i]);
    }

    // A thread's name, or null when it ended after the folder was listed.
    private static string? Name(string task)
    {
        try { return File.ReadAllText(Path.Combine(task, "comm")).Trim(); }
        catch (IOException) { return null; }
    }

    private static FitResult FitLightGbm(TrainingData train, int iterations, string threads) =>
        TrainerCatalog.Create(new ModelSpec { Type = "lightgbm", Options = new Dictionary<string, string> { ["number_of_iterations"] = $"{iterations}", ["number_of_threads"] = threads } },
            TaskKind.Binary, 0).Fit(train, null, TestData.Context());
}
