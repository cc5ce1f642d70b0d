// CPU per answered single-row request spent on Prometheus series (credit_data: binary answer): each series looked up by its
// label values on every request, as the server did (six WithLabels calls and a version string), against the series of a
// model version and arm resolved once (ServingMetrics.Route). Single thread; process CPU microseconds per request (CPU time,
// so other jobs on a shared machine disturb it less), best of 5 rounds of 1,000,000.
// Usage, from the repository root: dotnet run -c Release bench/serving/labelcost.cs
#:project ../../src/Keel.Serving/Keel.Serving.csproj
#:property TreatWarningsAsErrors=false
using System.Diagnostics;
using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Serving.Metrics;

const int N = 1_000_000;
var table = new Table([new NumericColumn("Income", [129]), new StringColumn("Home", ["rent"])]);
var answer = new Predictions { Task = TaskKind.Binary, Classes = ["bad", "good"], Probabilities = [[0.27, 0.73]] };
var metrics = new ServingMetrics();
double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMicroseconds;
double looked = double.MaxValue, resolved = double.MaxValue;
for (var round = 0; round < 5; round++)
{
    var c0 = Cpu();
    for (var i = 0; i < N; i++)
    {
        var version = 3.ToString(CultureInfo.InvariantCulture);
        metrics.Latency.WithLabels("credit-risk", version, "champion").Observe(0.001);
        metrics.Requests.WithLabels("credit-risk", version, "champion", "invocations", "200").Inc();
        metrics.Rows.WithLabels("credit-risk", version, "champion").Inc(answer.Count);
        var predicted = answer.PredictedClassIndices();
        metrics.Scores.WithLabels("credit-risk", version, "champion").Observe(answer.Probabilities![0][1]);
        metrics.Classes.WithLabels("credit-risk", version, "champion", answer.Classes[predicted[0]]).Inc();
        foreach (var c in table.Columns) c.MissingCount();
    }
    var c1 = Cpu();
    for (var i = 0; i < N; i++)
    {
        var series = metrics.Route("credit-risk", "3", "champion");
        series.Latency.Observe(0.001);
        series.Answered("invocations").Inc();
        series.Observe(table, answer);
    }
    var c2 = Cpu();
    looked = Math.Min(looked, (c1 - c0) / N);
    resolved = Math.Min(resolved, (c2 - c1) / N);
}
Console.WriteLine($"series looked up per request: {looked:F3} us; resolved once per model version and arm: {resolved:F3} us");
