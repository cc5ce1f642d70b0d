using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

// Loaded into a server by DOTNET_STARTUP_HOOKS=.../allochook.dll: every 100 ms it writes the bytes the process has allocated so far
// (GC.GetTotalAllocatedBytes), its gen 0/1/2 collection counts, the total GC pause time in microseconds (GC.GetTotalPauseDuration)
// and how many collections paused at least 1, 2 and 4 ms (sampled every 10 ms) to the file named by KEEL_ALLOC_FILE, so a bench can take
// allocations per request from any build without changing it. With KEEL_ALLOC_TYPES set to a file, it also samples allocations by
// type (the runtime's allocation tick, about one sample per 100 KB) and writes "bytes type" lines there, largest first.
internal static class StartupHook
{
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("KEEL_ALLOC_FILE");
        if (string.IsNullOrEmpty(path)) return;
        var typesPath = Environment.GetEnvironmentVariable("KEEL_ALLOC_TYPES");
        var ticks = string.IsNullOrEmpty(typesPath) ? null : new AllocationTicks();
        var thread = new Thread(() =>
        {
            var tmp = path + ".tmp";
            var n = 0;
            var lastGc = 0L;
            var slow = new long[3]; // collections that paused at least 1, 2 and 4 ms
            while (true)
            {
                // Each collection's pause, sampled every 10 ms (two collections within 10 ms count as one).
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                if (info.Index != lastGc)
                {
                    lastGc = info.Index;
                    var pause = info.PauseDurations[0] + info.PauseDurations[1];
                    for (var i = 0; i < slow.Length; i++) slow[i] += pause.TotalMilliseconds >= 1 << i ? 1 : 0;
                }
                if (++n % 10 == 0)
                {
                    File.WriteAllText(tmp, $"{GC.GetTotalAllocatedBytes(false)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {(long)GC.GetTotalPauseDuration().TotalMicroseconds} {slow[0]} {slow[1]} {slow[2]}\n");
                    File.Move(tmp, path, overwrite: true);
                }
                if (ticks is not null && n % 100 == 0)
                {
                    File.WriteAllLines(typesPath + ".tmp", ticks.Bytes.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Value} {kv.Key}"));
                    File.Move(typesPath + ".tmp", typesPath!, overwrite: true);
                }
                Thread.Sleep(10);
            }
        }) { IsBackground = true, Name = "allochook" };
        thread.Start();
    }

    private sealed class AllocationTicks : EventListener
    {
        public ConcurrentDictionary<string, long> Bytes { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            // The GC keyword at verbose level carries GCAllocationTick.
            if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.Payload is null || e.PayloadNames is null) return;
            var type = e.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
            var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 0;
            Bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
        }
    }
}
