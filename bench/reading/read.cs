// Reads one data file with Keel's TableReader and prints rows, columns, time and peak RSS (Linux VmHWM).
// Usage, from the repository root: dotnet run -c Release bench/reading/read.cs [FILE ...]
// Default files: shared/datasets/flights-3m.parquet and shared/datasets/flights-3m.csv, looked for in the folders above the
// current one (CI: <repo>/../shared). Make the CSV with `dotnet run flights_csv.cs IN.parquet OUT.csv` (shared/bench/peers;
// copy it out of the repository first). Absent files are skipped with a message.
// Run one file per process so that each peak is its own.
#:project ../../src/Keel.Data/Keel.Data.csproj
#:property TreatWarningsAsErrors=false
using System.Diagnostics;
using Keel.Core.Data;
using Keel.Data;

var files = args.Length > 0 ? args : [Shared("flights-3m.parquet"), Shared("flights-3m.csv")];
foreach (var file in files)
{
    if (!File.Exists(file))
    {
        Console.WriteLine($"SKIPPED {file}: not found (see the header of bench/reading/read.cs for how to make it).");
        continue;
    }
    var baseline = PeakRssMiB();
    var watch = Stopwatch.StartNew();
    var loaded = TableReader.Read(file, new ReadOptions());
    watch.Stop();
    var table = loaded.Table;
    // The in-memory column size: 8 bytes per value (a double or a reference) plus each distinct string once.
    long columnBytes = 0;
    foreach (var c in table.Columns)
    {
        columnBytes += 8L * c.Length;
        if (c is not StringColumn s) continue;
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var v in s.Values) if (v is not null && distinct.Add(v)) columnBytes += 22 + 2L * v.Length;
    }
    Console.WriteLine($"{Path.GetFileName(file)}: {table.RowCount:N0} rows x {table.Columns.Count} columns "
        + $"({string.Join(", ", table.Columns.Select(c => c.Name + ":" + c.Type))}); "
        + $"file {loaded.Bytes / 1048576.0:F1} MiB; read {watch.Elapsed.TotalSeconds:F2} s; "
        + $"peak RSS {PeakRssMiB():F0} MiB (process start {baseline:F0} MiB); column data {columnBytes / 1048576.0:F0} MiB; "
        + $"peak / column data {PeakRssMiB() * 1048576.0 / columnBytes:F1}; "
        + $"allocated {GC.GetTotalAllocatedBytes() / 1048576.0:F0} MiB, GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
}

// shared/ lies beside the repository in CI (<repo>/../shared) and higher up on a development machine.
static string Shared(string name)
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "shared", "datasets", name);
        if (File.Exists(candidate)) return candidate;
    }
    return Path.Combine("..", "shared", "datasets", name);
}

static double PeakRssMiB()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
    return double.NaN;
}
