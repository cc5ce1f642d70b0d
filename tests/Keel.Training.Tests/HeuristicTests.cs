using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Spec;

namespace Keel.Training.Tests;

public class HeuristicTests
{
    private static readonly Table People = new(
    [
        new NumericColumn("Income", [1000, 3000, 1500, 5000, double.NaN, 2500]),
        new NumericColumn("Age", [30, 22, 40, 23, 50, 60]),
        new StringColumn("Home", ["owner", "rent", "rent", "rent", null, "owner"]),
        new NumericColumn("Beak Length (mm)", [40, 50, 46, 39, 44, 47]),
    ]);

    private static readonly EncodedLabels Labels = new()
    {
        Task = TaskKind.Binary, Classes = ["bad", "good"], ClassIndices = [0, 1, 0, 0, 1, 1],
    };

    private static FitResult Fit(params string[] rules) =>
        TrainerCatalog.Create(new ModelSpec { Type = "heuristic", Name = "rules", Rules = rules }, TaskKind.Binary, 3)
            .Fit(new TrainingData(People, Labels), null, new TrainContext(1, "people.csv"));

    private static int[] Predicted(params string[] rules) => Fit(rules).Model.Predict(People).PredictedClassIndices();

    [Fact]
    public void Predict_FirstMatchingRuleDecides()
    {
        // Row 4's income is missing: no comparison matches it, so it gets the 50/50 prior (ties go to index 0).
        Assert.Equal([0, 1, 0, 1, 0, 1], Predicted("Income < 2000 -> bad", "Income < 9000 -> good"));
    }

    [Fact]
    public void Predict_AndBindsTighterThanOr()
    {
        // Home == "rent" and Age < 25 or Income < 1200  ==  (rent and young) or poor
        Assert.Equal([0, 0, 1, 0, 1, 1], Predicted("Home == \"rent\" and Age < 25 or Income < 1200 -> bad", "Age > 0 -> good"));
    }

    [Fact]
    public void Predict_ParenthesesOverridePrecedence()
    {
        Assert.Equal([1, 0, 1, 0, 1, 1], Predicted("Home == rent and (Age < 25 or Income < 1200) -> bad", "Age > 0 -> good"));
    }

    [Fact]
    public void Predict_BacktickColumnAndIsMissing()
    {
        Assert.Equal([1, 0, 1, 1, 0, 1], Predicted("`Beak Length (mm)` >= 50 -> bad", "Income is missing -> bad", "Home is not missing -> good"));
    }

    [Fact]
    public void Predict_NoRuleMatches_GetsZeroRulePriors()
    {
        var p = Fit("Age > 100 -> bad").Model.Predict(People);

        Assert.All(p.Probabilities!, row => Assert.Equal([0.5, 0.5], row));
    }

    [Fact]
    public void Fit_RuleProbabilities_LaplaceSmoothedAndRuleClassMostLikely()
    {
        var p = Fit("Income < 2000 -> bad", "Age < 25 -> good").Model.Predict(People).Probabilities!;

        // Rule 1 claims rows 0 and 2, both bad: (2+1)/(2+2) = 0.75.
        Assert.Equal([0.75, 0.25], p[0]);
        // Rule 2 claims rows 1 (good) and 3 (bad): a tie, nudged toward the rule's class "good".
        Assert.True(p[1][1] > p[1][0]);
        Assert.All(p, row => Assert.All(row, v => Assert.InRange(v, 1e-6, 1)));
    }

    [Fact]
    public void Fit_Regression_RulesGiveNumbersElseMean()
    {
        var labels = new EncodedLabels { Task = TaskKind.Regression, Values = [1, 2, 3, 4, 5, 9] };
        var model = TrainerCatalog.Create(new ModelSpec { Type = "heuristic", Rules = ["Age < 25 -> 100.5"] }, TaskKind.Regression, 0)
            .Fit(new TrainingData(People, labels), null, new TrainContext(1, "people.csv")).Model;

        Assert.Equal([4, 100.5, 4, 100.5, 4, 4], model.Predict(People).Values!);
    }

    [Fact]
    public void Fit_UnknownColumn_ThrowsNamingModelAndColumn()
    {
        var e = Assert.Throws<KeelInputException>(() => Fit("Salary < 10 -> bad"));

        Assert.Contains("models[3] (rules)", e.Message);
        Assert.Contains("'Salary'", e.Message);
        Assert.Contains("people.csv", e.Message);
    }

    [Fact]
    public void Fit_UnknownOutcomeClass_ThrowsListingClasses()
    {
        var e = Assert.Throws<KeelInputException>(() => Fit("Age < 25 -> ugly"));

        Assert.Contains("'ugly'", e.Message);
        Assert.Contains("bad, good", e.Message);
    }

    [Fact]
    public void Fit_OrderingOnCategorical_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => Fit("Home < rent -> bad"));

        Assert.Contains("'Home'", e.Message);
    }

    [Theory]
    [InlineData("Income < 2000", "'condition -> outcome'")]
    [InlineData("Income < -> bad", "a number or a string")]
    [InlineData("Income = 5 -> bad", "'=='")]
    [InlineData("Income < 5 and -> bad", "a column name")]
    [InlineData("(Income < 5 -> bad", "')'")]
    [InlineData("Income is there -> bad", "'missing'")]
    [InlineData("`Income < 5 -> bad", "unclosed")]
    [InlineData("Income < 5 ->", "outcome")]
    public void Create_BadRule_ThrowsNamingModelRuleAndExpectation(string rule, string expected)
    {
        var e = Assert.Throws<KeelInputException>(() =>
            TrainerCatalog.Create(new ModelSpec { Type = "heuristic", Name = "rules", Rules = ["Age < 1 -> bad", rule] }, TaskKind.Binary, 3));

        Assert.Contains("models[3] (rules) rule 2", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Create_HeuristicWithoutRules_Throws()
    {
        var e = Assert.Throws<KeelInputException>(() => TrainerCatalog.Create(new ModelSpec { Type = "heuristic" }, TaskKind.Binary, 0));

        Assert.Contains("models[0] (heuristic)", e.Message);
        Assert.Contains("rules", e.Message);
    }

    [Fact]
    public void Predict_Loaded_RequiresRuleColumnsOnly()
    {
        var model = Fit("Age < 25 -> bad").Model;

        Assert.Equal([new ColumnSchema("Age", ColumnType.Numeric)], model.InputSchema.Columns);
        var e = Assert.Throws<KeelInputException>(() => model.Predict(People.Drop(["Age"])));
        Assert.Contains("'Age'", e.Message);
    }
}
