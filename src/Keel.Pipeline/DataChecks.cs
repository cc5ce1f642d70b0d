using System.Globalization;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Spec;
using Keel.Data;
using Keel.Data.Contracts;
using Keel.Data.Leakage;
using Keel.Data.Quality;
using Keel.Training;
using Keel.Training.Featurization;

namespace Keel.Pipeline;

/// <summary>What a run's data checks found; rows are 0-based rows of the data file.</summary>
/// <param name="Integrity">Integrity checks of the whole table (duplicates, constant columns, imbalance, label noise, ...).</param>
/// <param name="Contract">Warnings of data.contract (errors stop the run before it starts).</param>
/// <param name="Leakage">Leakage checks of the split and, once trained, of the fitted transforms.</param>
public sealed record DataChecks(IReadOnlyList<Finding> Integrity, IReadOnlyList<Finding> Contract, IReadOnlyList<Finding> Leakage)
{
    /// <summary>No checks run.</summary>
    public static DataChecks None { get; } = new([], [], []);

    /// <summary>Every finding, integrity first.</summary>
    public IEnumerable<Finding> All => Integrity.Concat(Contract).Concat(Leakage);
}

/// <summary>Runs the data checks of a run: integrity and data.contract before the split, leakage after it, and the check that
/// fitted transforms saw training rows only after training.</summary>
public static class DataCheckStep
{
    /// <summary>The checks that need only the data and the split; throws when data.contract has errors or leakage: error finds anything.</summary>
    /// <exception cref="KeelInputException">The contract is broken (errors), or leakage is error and a finding was made.</exception>
    public static DataChecks Before(KeelSpec spec, string specName, string specFolder, LoadedTable data, ReadOptions read, Table table, Table features,
        LabelInfo label, SplitResult split)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(label);
        // Findings name rows as the file has them (rows without a label were dropped from the table).
        Finding[] integrity = spec.Integrity == CheckMode.Off ? []
            : IntegrityChecks.Run(table, spec.Data.Label, new IntegrityOptions { Seed = spec.Seed, RowNumbers = label.KeptRows }).ToArray();
        if (spec.Integrity == CheckMode.Error && integrity.Where(f => f.Severity >= Severity.Warning).ToArray() is { Length: > 0 } serious)
            throw new KeelInputException($"{specName} field 'integrity': error, and the integrity checks found {serious.Length} problem(s): " +
                string.Join(" ", serious.Select(f => $"[{f.Check}] {f.Message}")) + " (integrity: warn reports them without failing.)");

        var contract = EnforceContract(spec, specName, specFolder, data, read);

        IReadOnlyList<Finding> leakage = [];
        if (spec.Leakage != CheckMode.Off)
        {
            leakage = LeakageChecks.Run(new LeakageRequest
            {
                Table = table,
                Features = features.Columns.Select(c => c.Name).ToArray(),
                Labels = label.Labels,
                Split = split,
                TimeColumn = spec.Data.TimeColumn,
                GroupColumn = spec.Data.GroupColumn,
                AfterLabel = spec.Data.AvailableAt.Where(kv => kv.Value == "after_label").Select(kv => kv.Key).ToArray(),
                NotCompared = spec.Split.Predefined?.Column is { } pc ? [pc] : [],
                RowNumbers = label.KeptRows,
            }, new LeakageOptions()).ToArray();
            if (spec.Leakage == CheckMode.Error) FailOnLeakage(specName, leakage);
        }
        return new DataChecks(integrity, contract, leakage);
    }

    /// <summary>Throws when leakage is error and <paramref name="findings"/> is not empty, listing them.</summary>
    public static void FailOnLeakage(string specName, IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0) return;
        throw new KeelInputException($"{specName} field 'leakage': error, and the leakage checks found {findings.Count} problem(s): " +
            string.Join(" ", findings.Select(f => $"[{f.Check}] {f.Message} Fix: {f.Fix}")) + " (leakage: warn reports them without failing.)");
    }

    /// <summary>Checks the data against data.contract (none: no findings), reading its values as text so each stray token is a
    /// violation with its row; errors throw, warnings come back as findings.</summary>
    /// <exception cref="KeelInputException">The contract cannot be read, or the data breaks it (errors), naming rows and columns.</exception>
    public static IReadOnlyList<Finding> EnforceContract(KeelSpec spec, string specName, string specFolder, LoadedTable data, ReadOptions read)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        if (spec.Data.Contract is not { } file) return [];
        var path = Path.GetFullPath(Path.Combine(specFolder, file));
        DataContract contract;
        try
        {
            contract = DataContract.Read(path);
        }
        catch (KeelInputException e)
        {
            throw new KeelInputException($"{specName} field 'data.contract': {e.Message}", e);
        }
        var text = TableReader.Read(data.Path, read with { AsText = true });
        var violations = ContractChecker.Check(text.Table, contract, decimalComma: text.DecimalComma);
        var errors = violations.Where(v => v.Severity == Severity.Error).ToArray();
        if (errors.Length > 0)
        {
            throw new KeelInputException($"{specName} field 'data.contract': the data breaks {Path.GetFileName(path)} in {errors.Length} place(s): " +
                string.Join("; ", errors.Take(10).Select(Describe)) + (errors.Length > 10 ? $"; and {errors.Length - 10} more (keel validate DATA --contract FILE lists them all)." : "."));
        }
        return Summarise(violations.Where(v => v.Severity != Severity.Info).ToArray(), Path.GetFileName(path));
    }

    /// <summary>One violation as text: row, column, value and what was expected.</summary>
    public static string Describe(Violation v) =>
        $"{(v.Row is { } r ? $"row {r.ToString(CultureInfo.InvariantCulture)}, " : "")}{(v.Column is { } c ? $"column '{c}'" : "table")}{(v.Value is { } x ? $" ('{x}')" : "")}: {v.Message}";

    /// <summary>Violations grouped by rule and column, one finding each, naming the rows.</summary>
    public static Finding[] Summarise(IReadOnlyList<Violation> violations, string contractName) =>
        violations.GroupBy(v => (v.Rule, v.Column)).Select(g =>
        {
            var first = g.First();
            var rows = g.Where(v => v.Row is not null).Select(v => (int)v.Row!.Value).ToArray();
            var message = rows.Length == 0 ? Describe(first) : $"column '{g.Key.Column}': {rows.Length} row(s) break rule {g.Key.Rule} of {contractName}, e.g. {Describe(first)}";
            return new Finding("contract_" + g.Key.Rule, g.Max(v => v.Severity), message)
            {
                Columns = g.Key.Column is { } c ? [c] : [],
                Rows = Finding.Listed(rows),
                RowCount = rows.Length,
                Fix = "Fix the data, or edit the contract if the new values are right.",
            };
        }).ToArray();

    /// <summary>Checks that a fitted model's transforms (medians, ranges, category slots) were learned from <paramref name="train"/>
    /// only: each statistic is recomputed from those rows and compared. A mismatch means rows outside training shaped the model.</summary>
    /// <remarks><paramref name="features"/> is the spec's features section, which says whether a missing indicator was forced on or off.</remarks>
    public static IReadOnlyList<Finding> FittedOnTrainOnly(string candidate, IFittedModel model, Table train, FeaturesSpec? features = null)
    {
        if (model is not IFeaturizedModel featurized) return [];
        var findings = new List<Finding>();
        foreach (var plan in featurized.Featurizer.Columns)
        {
            if (!train.Contains(plan.Name)) continue;
            var problem = Problem(plan, train[plan.Name], features?.For(plan.Name, plan.Type).MissingIndicator);
            if (problem is null) continue;
            findings.Add(new Finding("fit_outside_train", Severity.Error,
                $"candidate '{candidate}': the transform of '{plan.Name}' was not fitted on the training rows alone: {problem}.")
            {
                Columns = [plan.Name],
                Fix = "A bug in the pipeline: report it with the spec; imputation, scaling and encoding must see training rows only.",
            });
        }
        return findings;
    }

    private static string? Problem(ColumnPlan plan, Column column, bool? indicator)
    {
        if (column is NumericColumn n && plan.Type is ColumnType.Numeric or ColumnType.Boolean or ColumnType.DateTime)
        {
            var finite = new List<double>();
            var missing = false;
            foreach (var v in n.Values)
            {
                if (double.IsFinite(v)) finite.Add(v);
                else if (double.IsNaN(v)) missing = true;
            }
            finite.Sort();
            var fill = ColumnStatistics.Fill(plan.Impute, finite.ToArray(), plan.Fill);
            if (fill != plan.Fill) return $"its fill value {plan.Fill} is not the training {plan.Impute ?? "median"} {fill}";
            if ((indicator ?? missing) != plan.MissingIndicator) return $"its missing indicator is {(plan.MissingIndicator ? "on" : "off")} but the training rows have {(missing ? "" : "no ")}missing values";
            if (plan.Scale is { } scale && finite.Count > 0 && ColumnStatistics.ScaleOf(scale, ColumnStatistics.Imputed(n.Values, plan.Fill, plan.Min, plan.Max)) is { } fitted
                && (fitted.Center != plan.Center || fitted.Spread != plan.Spread))
                return $"its {scale} scaling ({plan.Center}, {plan.Spread}) is not the training rows' ({fitted.Center}, {fitted.Spread})";
            if (plan.Type == ColumnType.Numeric && finite.Count > 0 && double.IsFinite(plan.Min) && (plan.Min != finite[0] || plan.Max != finite[^1]))
                return $"its range {plan.Min}..{plan.Max} is not the training range {finite[0]}..{finite[^1]}";
            return null;
        }
        if (column is StringColumn t && plan.Target is { } target)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var v in t.Values) seen.Add(v ?? TargetEncoding.MissingKey);
            var outside = target.Values.Keys.Where(c => !seen.Contains(c)).ToArray();
            if (outside.Length > 0) return $"its target encoding has values never seen in training: {string.Join(", ", outside.Take(5).Select(c => $"'{c}'"))}";
        }
        if (column is StringColumn s && plan.Categories is { } categories)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var v in s.Values)
            {
                if (v is not null) seen.Add(v);
            }
            var outside = categories.Where(c => !seen.Contains(c)).ToArray();
            if (outside.Length > 0) return $"it has category slots never seen in training: {string.Join(", ", outside.Take(5).Select(c => $"'{c}'"))}";
        }
        return null;
    }
}
