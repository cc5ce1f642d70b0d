namespace Keel.Cli.Tests;

/// <summary>keel run with the spec's features section, through the real command tree.</summary>
public sealed class FeaturesRunTests : IDisposable
{
    private readonly CliHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Run_Json_FeaturesListTransformsOutputsAndStatistics()
    {
        _h.CopySample("penguins.csv");
        _h.Write("keel.yaml", """
            data: {path: penguins.csv, label: Species}
            models: [linear]
            features:
              by_type: {numeric: {impute: mean, scale: robust}}
              columns: {Island: {encode: target, folds: 3}}
              crosses: [[Island, Sex]]
            """);

        var r = await _h.RunAsync("run", "keel.yaml", "--json");

        Assert.Equal(0, r.Exit);
        var features = r.Json().GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("column").GetString()!);
        var mass = features["Body Mass (g)"];
        Assert.Equal(["impute mean", "missing indicator", "infinities to the train range", "scale robust", "standardised for the linear model"],
            mass.GetProperty("transforms").EnumerateArray().Select(t => t.GetString()!.Split(" (")[0].Split(':')[0]));
        Assert.True(mass.GetProperty("statistics").GetProperty("spread").GetDouble() > 0);
        Assert.Equal(["Island__target=Adelie", "Island__target=Chinstrap", "Island__target=Gentoo"],
            features["Island"].GetProperty("outputs").EnumerateArray().Select(o => o.GetString()!));
        Assert.Equal(["Island", "Sex"], features["Island*Sex"].GetProperty("inputs").EnumerateArray().Select(o => o.GetString()!));
    }

    [Fact]
    public async Task Run_FeatureOptionForWrongType_Exit1NamingFieldAndStoreUntouched()
    {
        _h.CopySample("penguins.csv");
        _h.Write("keel.yaml", "data: {path: penguins.csv, label: Species}\nmodels: [linear]\nfeatures:\n  columns: {Island: {scale: robust}}\n");

        var r = await _h.RunAsync("run", "keel.yaml");

        Assert.Equal(1, r.Exit);
        Assert.Contains("keel.yaml field 'features.columns.Island.scale': 'Island' is a categorical column", r.Error, StringComparison.Ordinal);
        Assert.Equal("(no store)", _h.StoreFingerprint());
    }
}
