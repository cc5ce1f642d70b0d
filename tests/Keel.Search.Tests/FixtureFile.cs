using System.Text.Json;

namespace Keel.Search.Tests;

/// <summary>The committed reference fixtures (Fixtures/*.json, each written by a script under bench/search).</summary>
internal static class FixtureFile
{
    /// <summary>The root element of Fixtures/<paramref name="name"/>.</summary>
    public static JsonElement Root(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name))).RootElement;
}
