#:project ../../src/Keel.Client/Keel.Client.csproj
#:property TreatWarningsAsErrors=false
// One client process for bench/api/crash.sh: logs RUNS runs of POINTS points of metric "loss" (steps 0..POINTS-1) in batches
// of BATCH through Keel.Client, printing each run id as it starts; retries patiently so it outlives a server restart.
//   dotnet run -c Release bench/api/client_load.cs URL TOKEN [RUNS=3] [POINTS=20000] [BATCH=1000]
using Keel.Client;

var url = new Uri(args[0]);
var token = args[1];
var runs = args.Length > 2 ? int.Parse(args[2]) : 3;
var points = args.Length > 3 ? int.Parse(args[3]) : 20_000;
var batch = args.Length > 4 ? int.Parse(args[4]) : 1_000;
await using var keel = await KeelClient.ConnectAsync(new KeelClientOptions
{
    ServerUrl = url, Token = token, BatchSize = batch, MaxRetries = 12, RetryDelay = TimeSpan.FromMilliseconds(250),
});
for (var r = 0; r < runs; r++)
{
    await using var run = await keel.StartRunAsync("crash", $"client-{Environment.ProcessId}-{r}");
    Console.WriteLine(run.Id);
    for (var step = 0; step < points; step++) await run.LogMetricAsync("loss", 1.0 / (step + 1), step);
}
Console.WriteLine("done");
