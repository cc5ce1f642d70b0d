using Keel.Pipeline.Spec;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;

namespace Keel.Pipeline.Tests;

public sealed class SpecReaderTests
{
    [Fact]
    public void Parse_FullSpec_ReadsEveryField()
    {
        var spec = SpecReader.Parse("""
            experiment: credit
            data:
              path: credit_data.csv
              label: Status
              task: binary
              positive_class: good
              format: csv
              ignore: [id, notes]
              time_column: date
              group_column: customer
              types:
                Income: numeric
                "Job Title": categorical
            split:
              strategy: predefined
              test_fraction: 0.25
              validation_fraction: 0.1
              seed: 7
              refit: false
              predefined:
                test_rows: splits/test.txt
            models:
              - zero_rule
              - type: heuristic
                name: low_income
                rules: ["Income < 90 -> bad"]
              - type: lightgbm
                options: {number_of_iterations: 300, learning_rate: 0.03}
            metric: pr_auc
            register:
              name: credit-risk
              enabled: false
              alias: champion
              gates: ["auc >= 0.8", "beats: zero_rule"]
            seed: 11
            """, "keel.yaml");

        Assert.Equal("credit", spec.Experiment);
        Assert.Equal("Status", spec.Data.Label);
        Assert.Equal(TaskKind.Binary, spec.Data.Task);
        Assert.Equal("good", spec.Data.PositiveClass);
        Assert.Equal(["id", "notes"], spec.Data.Ignore);
        Assert.Equal(ColumnType.Categorical, spec.Data.Types["Job Title"]);
        Assert.Equal(SplitStrategy.Predefined, spec.Split.Strategy);
        Assert.Equal(0.25, spec.Split.TestFraction);
        Assert.Equal(7, spec.Split.Seed);
        Assert.False(spec.Split.Refit);
        Assert.Equal("splits/test.txt", spec.Split.Predefined!.TestRows);
        Assert.Equal(3, spec.Models.Count);
        Assert.Equal("zero_rule", spec.Models[0].DisplayName);
        Assert.Equal("low_income", spec.Models[1].DisplayName);
        Assert.Equal(["Income < 90 -> bad"], spec.Models[1].Rules);
        Assert.Equal("300", spec.Models[2].Options["number_of_iterations"]);
        Assert.Equal("pr_auc", spec.Metric);
        Assert.False(spec.Register.Enabled);
        Assert.Equal(2, spec.Register.Gates.Count);
        Assert.Equal(11, spec.Seed);
    }

    [Fact]
    public void Parse_DataReadingFields_ReadsMissingEncodingAndDelimiter()
    {
        var spec = SpecReader.Parse("""
            data:
              path: d.csv
              label: y
              missing: ["?", "-"]
              encoding: latin1
              delimiter: semicolon
              decimal: comma
            """, "keel.yaml");

        Assert.Equal(["?", "-"], spec.Data.Missing);
        Assert.Equal("latin1", spec.Data.Encoding);
        Assert.Equal("semicolon", spec.Data.Delimiter);
        Assert.Equal("comma", spec.Data.Decimal);
        var minimal = SpecReader.Parse("data: {path: d.csv, label: y}", "keel.yaml").Data;
        Assert.Equal((0, null, null, null), (minimal.Missing.Count, minimal.Encoding, minimal.Delimiter, minimal.Decimal));
    }

    [Theory]
    [InlineData("encoding: klingon", "keel.yaml line 4, field 'data.encoding': expected utf-8")]
    [InlineData("delimiter: '::'", "keel.yaml line 4, field 'data.delimiter': expected comma, semicolon, tab or pipe")]
    [InlineData("decimal: dot", "keel.yaml line 4, field 'data.decimal': expected point or comma")]
    public void Parse_UnknownEncodingDelimiterOrDecimal_NamesSpecLineAndField(string line, string start)
    {
        var e = Assert.Throws<KeelInputException>(() => SpecReader.Parse($"data:\n  path: d.csv\n  label: y\n  {line}\n", "keel.yaml"));
        Assert.StartsWith(start, e.Message);
    }

    [Fact]
    public void Parse_Ensembles_MembersBaseAndSettingsRead()
    {
        var spec = SpecReader.Parse("""
            data: {path: d.csv, label: y}
            models:
              - {type: voting, members: [lightgbm, {type: linear, name: lin, options: {l2_regularization: 2}}], weights: [2, 1]}
              - {type: stacking, members: [lightgbm, linear], folds: 3, options: {meta_l2: 0.5}}
              - {type: bagging, base: fasttree, n: 7}
            """, "keel.yaml");

        var (voting, stacking, bagging) = (spec.Models[0], spec.Models[1], spec.Models[2]);
        Assert.Equal(["lightgbm", "lin"], voting.Members.Select(m => m.DisplayName));
        Assert.Equal("2", voting.Members[1].Options["l2_regularization"]);
        Assert.Equal("2,1", voting.Options["weights"]);
        Assert.Equal("3", stacking.Options["folds"]);
        Assert.Equal("0.5", stacking.Options["meta_l2"]);
        Assert.Equal(["fasttree"], bagging.Members.Select(m => m.Type));
        Assert.Equal("7", bagging.Options["n"]);
    }

    [Theory]
    [InlineData("- {type: voting, members: lightgbm}", "field 'models[0].members': expected a list of models")]
    [InlineData("- {type: bagging, base: fasttree, members: [linear]}", "field 'models[0].base': not allowed beside 'members'")]
    [InlineData("- {type: voting, members: [{type: linear, members: [x]}]}", "field 'models[0].members[0].members': unknown field")]
    public void Parse_BadEnsemble_NamesLineAndField(string model, string expected)
    {
        var e = Assert.ThrowsAny<KeelInputException>(() => SpecReader.Parse($"data: {{path: d.csv, label: y}}\nmodels:\n  {model}\n", "keel.yaml"));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Parse_MinimalSpec_UsesDocumentedDefaults()
    {
        var spec = SpecReader.Parse("data: {path: d.csv, label: y}", "keel.yaml");
        Assert.Null(spec.Split.Strategy);
        Assert.Equal(0.2, spec.Split.TestFraction);
        Assert.Equal(0.2, spec.Split.ValidationFraction);
        Assert.True(spec.Split.Refit);
        Assert.Empty(spec.Models);
        Assert.True(spec.Register.Enabled);
        Assert.Equal(42, spec.Seed);
    }

    [Theory]
    [InlineData("data: {path: d.csv, label: y}\nsplt: {}", "line 2, field 'splt': unknown field")]
    [InlineData("data: {path: d.csv}", "field 'data.label': missing")]
    [InlineData("data: {path: d.csv, label: y}\nsplit:\n  strategy: sideways", "line 3, field 'split.strategy': expected one of random, stratified, time, group, predefined, got 'sideways'")]
    [InlineData("data: {path: d.csv, label: y}\nsplit:\n  ties: simpler", "line 3, field 'split.ties': expected one of simplest, best, got 'simpler'")]
    [InlineData("data: {path: d.csv, label: y}\nsplit:\n  test_fraction: 1.5", "line 3, field 'split.test_fraction': expected a number between 0 and 1")]
    [InlineData("data: {path: d.csv, label: y}\nsplit:\n  test_fraction: lots", "field 'split.test_fraction': expected a number, got 'lots'")]
    [InlineData("data: {path: d.csv, label: y}\nsplit: {strategy: predefined}", "field 'split.predefined': missing")]
    [InlineData("data: {path: d.csv, label: y}\nsplit: {strategy: random, predefined: {test_rows: t.txt}}", "only used with strategy predefined")]
    [InlineData("data: {path: d.csv, label: y}\nmodels:\n  - lightgbm\n  - lightgbm", "two models are called 'lightgbm'")]
    [InlineData("data: {path: d.csv, label: y, task: ranking}", "field 'data.task': expected one of binary, multiclass, regression")]
    [InlineData("data: {path: d.csv, label: y, types: {a: vector}}", "field 'data.types.a': expected one of numeric, categorical, text, datetime, boolean")]
    [InlineData("data: [1, 2]", "field 'data': expected a mapping")]
    [InlineData("seed: 1", "missing the 'data' section")]
    [InlineData("data: {path: d.csv, label: y}\nseed: x", "field 'seed': expected an integer, got 'x'")]
    [InlineData("data: {path: d.csv, label: y\n", "not valid YAML")]
    [InlineData("data: {path: d.csv, label: y}\nevaluation: {min_slice_rows: 0}", "line 2, field 'evaluation.min_slice_rows': expected a number of rows of at least 1, got 0")]
    public void Parse_BadSpec_NamesFileLineAndField(string yaml, string expected)
    {
        var e = Assert.ThrowsAny<KeelInputException>(() => SpecReader.Parse(yaml, "keel.yaml"));
        Assert.StartsWith("keel.yaml", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Parse_SplitTies_DefaultSimplestAndReadWhenGiven()
    {
        Assert.Equal(TieBreak.Simplest, SpecReader.Parse("data: {path: d.csv, label: y}", "keel.yaml").Split.Ties);
        Assert.Equal(TieBreak.Best, SpecReader.Parse("data: {path: d.csv, label: y}\nsplit: {ties: best}", "keel.yaml").Split.Ties);
    }

    [Fact]
    public void Parse_EvaluationMinSliceRows_DefaultThirtyAndReadWhenGiven()
    {
        Assert.Equal(30, SpecReader.Parse("data: {path: d.csv, label: y}", "keel.yaml").Evaluation.MinSliceRows);
        Assert.Equal(12, SpecReader.Parse("data: {path: d.csv, label: y}\nevaluation: {min_slice_rows: 12}", "keel.yaml").Evaluation.MinSliceRows);
    }
}
