using Keel.Data.Labels;

namespace Keel.Data.Tests;

/// <summary>Kappas against scikit-learn's cohen_kappa_score and the statsmodels fleiss_kappa formula (Fixtures/labels_fixture.py).</summary>
public sealed class AgreementTests
{
    private static string[] Strings(System.Text.Json.JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void CohensKappa_SeededAnnotators_EqualsScikitLearn()
    {
        var f = LabelModelTests.Fixture("cohen");

        Assert.Equal(f.GetProperty("kappa").GetDouble(), Agreement.CohensKappa(Strings(f.GetProperty("a")), Strings(f.GetProperty("b")))!.Value, 12);
    }

    [Theory]
    [InlineData("fleiss")]
    [InlineData("fleiss_1971")]
    public void FleissKappa_Fixture_EqualsStatsmodelsFormula(string name)
    {
        var f = LabelModelTests.Fixture(name);
        int[][] counts = name == "fleiss"
            ? f.GetProperty("ratings").EnumerateArray().Select(r => Enumerable.Range(0, 3).Select(c => r.EnumerateArray().Count(v => v.GetInt32() == c)).ToArray()).ToArray()
            : f.GetProperty("counts").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();

        Assert.Equal(f.GetProperty("kappa").GetDouble(), Agreement.FleissKappa(counts)!.Value, 12);
    }

    [Fact]
    public void PairwiseAgreement_ThreeItems_MeanOfAgreeingPairShares()
    {
        IReadOnlyList<string>[] items = [["a", "a"], ["a", "b", "a"], ["b"]];

        Assert.Equal((1 + 1 / 3.0) / 2, Agreement.PairwiseAgreement(items)!.Value, 12);
    }
}
