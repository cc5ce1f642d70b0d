namespace Keel.Cli.Output;

/// <summary>A progress sink that reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool, so lines
/// could come late or out of order).</summary>
internal sealed class LineProgress(Action<long> report) : IProgress<long>
{
    public void Report(long value) => report(value);
}
