namespace Keel.Data.Tests;

/// <summary>A temporary folder for files a test writes; deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keel-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to a file named <paramref name="name"/> and returns its path.</summary>
    public string Write(string name, string content)
    {
        var p = System.IO.Path.Combine(Path, name);
        File.WriteAllText(p, content);
        return p;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Locates the repository's sample data.</summary>
public static class Samples
{
    /// <summary>The samples folder, found by walking up from the test binaries to the folder holding Keel.slnx.</summary>
    public static string Folder { get; } = Find();

    public static string File(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// A file of the shared data sets (shared/datasets), looked for in the repository and the folders above it: CI clones
    /// the repository with shared/ beside it (REPO/../shared). Null when absent.
    /// </summary>
    public static string? SharedDataset(string name)
    {
        for (var d = Directory.GetParent(Folder); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "shared", "datasets", name);
            if (System.IO.File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(d.FullName, "Keel.slnx"))) return Path.Combine(d.FullName, "samples");
        }
        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }
}
