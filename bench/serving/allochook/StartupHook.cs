// Loaded into a server by DOTNET_STARTUP_HOOKS=.../allochook.dll: every 100 ms it writes the bytes the process has allocated so far
// (GC.GetTotalAllocatedBytes) and its gen 0/1/2 collection counts to the file named by KEEL_ALLOC_FILE, so a bench can take
// allocations per request from any build without changing it.
internal static class StartupHook
{
    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("KEEL_ALLOC_FILE");
        if (string.IsNullOrEmpty(path)) return;
        var thread = new Thread(() =>
        {
            var tmp = path + ".tmp";
            while (true)
            {
                File.WriteAllText(tmp, $"{GC.GetTotalAllocatedBytes(false)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)}\n");
                File.Move(tmp, path, overwrite: true);
                Thread.Sleep(100);
            }
        }) { IsBackground = true, Name = "allochook" };
        thread.Start();
    }
}
