using Keel.Core;
using Keel.Pipeline.Spec;

namespace Keel.Pipeline.Tests;

public sealed class NamesTests
{
    [Theory]
    [InlineData("my penguins", "my-penguins")]
    [InlineData("credit_data", "credit_data")]
    [InlineData("  ..weird//name!! ", "weird-name")]
    [InlineData("Æøå", "model")]
    [InlineData("line\nbreak", "line-break")]
    public void Slug_FileNames_ValidModelNames(string text, string expected)
    {
        Assert.Equal(expected, Names.Slug(text));
        Names.RequireModelName(Names.Slug(text), "test");
    }

    [Fact]
    public void Slug_VeryLongName_CutToTheRegistryLimit() =>
        Assert.Equal(Names.MaxModelName, Names.Slug(new string('a', 300)).Length);

    [Fact]
    public void DefaultExperiment_UsableStemKeptElseSlug()
    {
        Assert.Equal("my penguins", Names.DefaultExperiment("/data/my penguins.csv"));
        Assert.Equal("tab-name", Names.DefaultExperiment("/data/tab\tname.csv"));
    }

    [Theory]
    [InlineData("../../evil")]
    [InlineData("a.b")]
    [InlineData("two words")]
    [InlineData("final")]
    [InlineData("")]
    public void RequireCandidateName_Bad_ThrowsNamingTheField(string name)
    {
        var e = Assert.Throws<KeelInputException>(() => Names.RequireCandidateName(name, "keel.yaml field 'models[0].name'"));
        Assert.Contains("models[0].name", e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
    }
}
