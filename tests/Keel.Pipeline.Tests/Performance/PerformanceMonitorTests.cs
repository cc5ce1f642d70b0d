using System.Globalization;
using Keel.Core.PredictionLog;
using Keel.Evaluation.Uncertainty;
using Keel.Pipeline.Performance;
using Keel.Tracking.PredictionLog;

namespace Keel.Pipeline.Tests.Performance;

public sealed class PerformanceMonitorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ByWindowAsync_LabelsStopFollowingScoresInSecondDay_ConceptDriftFlaggedThereOnly()
    {
        var folder = Path.Combine(Path.GetTempPath(), "keel-pipeline-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var log = await PredictionLogStores.OpenSqliteAsync(Path.Combine(folder, PredictionLogStores.FileName));
            var rng = new Random(4);
            var records = new List<PredictionRecord>();
            for (var i = 0; i < 1200; i++)
            {
                var p = rng.NextDouble();
                var day = i < 600 ? 0 : 1;
                records.Add(new PredictionRecord
                {
                    RequestId = $"r{i}", Time = T0.AddDays(day).AddSeconds(i), Model = "credit", Version = 1, Arm = "champion", Endpoint = "invocations",
                    Rows = 1, InputsJson = "[{}]",
                    OutputsJson = string.Create(CultureInfo.InvariantCulture, $"[{{\"label\":\"x\",\"probabilities\":{{\"no\":{1 - p},\"yes\":{p}}}}}]"),
                });
                // Day 0: calibrated outcomes; day 1: outcomes unrelated to the score (the concept changed). Only every other request is labelled.
                if (i % 2 == 0)
                {
                    var yes = rng.NextDouble() < (day == 0 ? p : 0.5);
                    await log.AddFeedbackAsync(new FeedbackRecord($"r{i}", yes ? "\"yes\"" : "\"no\"", T0.AddDays(2)));
                }
            }
            await log.AppendAsync(records);
            var reference = new Interval(0.833, 0.75, 0.9, 1000); // AUC of uniform calibrated scores is 5/6
            var windows = await PerformanceMonitor.ByWindowAsync(log, "credit", T0, T0.AddDays(2), TimeSpan.FromDays(1), "auc", reference,
                new BootstrapOptions { Resamples = 200 });
            Assert.Equal(2, windows.Count);
            Assert.Equal((600, 300), (windows[0].Predictions, windows[0].Realised.Rows));
            Assert.Equal([false, true], windows.Select(w => w.Realised.ConceptDrift));
            // CBPE sees only the scores, so it cannot tell the days apart: the point of checking it against realised performance.
            Assert.InRange(windows[1].Estimated["estimated_auc"], 0.8, 0.87);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
