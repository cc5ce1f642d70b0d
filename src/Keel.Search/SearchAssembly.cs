namespace Keel.Search;

/// <summary>Marker for the search step library (study, trial, sampler, pruner).</summary>
public static class SearchAssembly
{
    /// <summary>The library's name, as shown in diagnostics.</summary>
    public const string Name = "Keel.Search";
}
