using Keel.Pipeline.Spec;

namespace Keel.Pipeline.Tests;

/// <summary>evaluation.tests in the spec: a directional test's name says how it changes its column (gates and reports name it).</summary>
public sealed class BehaviourSpecTests
{
    [Theory]
    [InlineData("factor: 1.1", "directional Income ×1.1")]
    [InlineData("add: 500", "directional Income +500")]
    [InlineData("add: -30", "directional Income -30")]
    [InlineData("factor: 1.1, add: -5", "directional Income ×1.1 -5")]
    [InlineData("factor: 0.5, add: 2.25", "directional Income ×0.5 +2.25")]
    public void Parse_Directional_NameSaysTheChange(string change, string expected)
    {
        var spec = SpecReader.Parse($"data: {{path: d.csv, label: y}}\nevaluation:\n  tests:\n    - {{directional: Income, {change}}}\n", "keel.yaml");

        var test = Assert.Single(spec.Evaluation.Tests);
        Assert.Equal(expected, test.Name);
    }
}
