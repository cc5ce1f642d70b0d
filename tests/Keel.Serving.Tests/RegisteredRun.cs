using Keel.Pipeline;
using Keel.Tracking;

namespace Keel.Serving.Tests;

/// <summary>
/// A temp folder with a real store in which one spec has been run through the whole pipeline (and its model registered), for
/// tests that serve or batch-predict that model. Dispose removes the folder.
/// </summary>
public sealed class RegisteredRun : IAsyncDisposable
{
    private RegisteredRun(string folder, KeelStore store, RunOutcome outcome) => (Folder, Store, Outcome) = (folder, store, outcome);

    /// <summary>The temp folder holding the spec, its data and the store.</summary>
    public string Folder { get; }

    /// <summary>The store the run was tracked and registered in.</summary>
    public KeelStore Store { get; }

    /// <summary>What the run produced (evaluations, the registered version).</summary>
    public RunOutcome Outcome { get; }

    /// <summary>Creates a folder named after <paramref name="prefix"/>, lets <paramref name="writeData"/> put the data in it, writes
    /// <paramref name="spec"/> as keel.yaml and runs it.</summary>
    public static async Task<RegisteredRun> CreateAsync(string prefix, string spec, Func<string, Task> writeData)
    {
        var folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        await writeData(folder);
        var specPath = Path.Combine(folder, "keel.yaml");
        await File.WriteAllTextAsync(specPath, spec);
        var store = await KeelStore.OpenAsync(new StoreOptions { Uri = Path.Combine(folder, ".keel"), BaseDirectory = folder, Time = TimeProvider.System });
        var outcome = await new RunPipeline(store, TimeProvider.System, new Progress<PipelineProgress>(), "tester")
            .ExecuteAsync(RunPreparation.Prepare(specPath, null), id => Path.Combine(folder, id + ".html"), CancellationToken.None);
        return new RegisteredRun(folder, store, outcome);
    }

    /// <summary>As <see cref="CreateAsync"/>, with samples/credit_data.csv copied in as credit_data.csv.</summary>
    public static Task<RegisteredRun> OnCreditDataAsync(string prefix, string spec) => CreateAsync(prefix, spec, folder =>
    {
        File.Copy(Path.Combine(ServedModelFixture.RepoRoot, "samples", "credit_data.csv"), Path.Combine(folder, "credit_data.csv"));
        return Task.CompletedTask;
    });

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open stays in the temp folder.
        }
    }
}
