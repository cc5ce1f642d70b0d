using System.Text;
using System.Text.Json;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Registry;
using Keel.Data;
using Keel.Data.Contracts;
using Keel.Data.Quality;
using Keel.Pipeline.Predict;
using Keel.Tracking;

namespace Keel.Pipeline.Validate;

/// <summary>What <c>keel validate</c> checks.</summary>
public sealed record ValidationRequest
{
    /// <summary>The table to check.</summary>
    public required string Path { get; init; }

    /// <summary>How to read it. Default: inferred types and the default missing tokens.</summary>
    public ReadOptions Read { get; init; } = new();

    /// <summary>The label column, enabling the label checks (conflicts, imbalance, noise). Default: none.</summary>
    public string? Label { get; init; }

    /// <summary>A contract file to check the data against. Default: none.</summary>
    public string? ContractPath { get; init; }

    /// <summary>Seed of the label-noise folds. Default 42.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>The answer of <c>keel validate</c> (also its --json shape); rows are 0-based data rows.</summary>
/// <param name="File">The data file.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="Columns">Its columns.</param>
/// <param name="Findings">Integrity findings.</param>
/// <param name="Contract">Where the contract came from (a file or NAME@ALIAS version N), or null.</param>
/// <param name="Violations">Every contract violation, with its row and column.</param>
public sealed record ValidationOutcome(string File, int Rows, int Columns, IReadOnlyList<Finding> Findings, string? Contract, IReadOnlyList<Violation> Violations)
{
    /// <summary>Findings and violations of severity error.</summary>
    public int Errors => Findings.Count(f => f.Severity == Severity.Error) + Violations.Count(v => v.Severity == Severity.Error);

    /// <summary>Findings and violations of severity warning.</summary>
    public int Warnings => Findings.Count(f => f.Severity == Severity.Warning) + Violations.Count(v => v.Severity == Severity.Warning);
}

/// <summary>The validate use case: integrity checks of a table and, when asked, its check against a contract (a file or a model's).</summary>
public static class DataValidation
{
    /// <summary>Validates <paramref name="request"/>'s table; <paramref name="against"/> (with <paramref name="store"/>) names the model whose contract applies.</summary>
    /// <exception cref="KeelInputException">Unreadable data, an unknown label column, or a bad contract.</exception>
    public static async Task<ValidationOutcome> RunAsync(ValidationRequest request, KeelStore? store, ModelReference? against, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = System.IO.Path.GetFileName(request.Path);
        var checkContract = request.ContractPath is not null || against is not null;
        LoadedTable data;
        Finding? unreadable = null;
        try
        {
            data = TableReader.Read(request.Path, request.Read);
        }
        catch (KeelInputException e) when (checkContract && File.Exists(request.Path))
        {
            // A column the reader refuses (numbers with a stray token) is what a contract check is for: read the values as text,
            // list each violation, and keep the reader's message as an error finding.
            data = TableReader.Read(request.Path, request.Read with { AsText = true });
            unreadable = new Finding("unreadable_column", Severity.Error, e.Message) { Fix = "See the contract violations for every row." };
        }
        if (request.Label is { } label && !data.Table.Contains(label))
            throw new KeelInputException($"{name}: --label '{label}' is not a column; {ColumnNames.Hint(label, data.Table)}.");
        IReadOnlyList<Finding> findings = unreadable is null
            ? IntegrityChecks.Run(data.Table, request.Label, new IntegrityOptions { Seed = request.Seed })
            : [unreadable];

        DataContract? contract = null;
        string? source = null;
        IReadOnlyCollection<string> ignore = [];
        if (request.ContractPath is { } path)
        {
            contract = DataContract.Read(path);
            source = path;
        }
        else if (against is not null)
        {
            ArgumentNullException.ThrowIfNull(store);
            var version = await ModelLoader.ResolveAsync(store.Registry, against, ct);
            contract = await ContractOfAsync(store, version, ct);
            source = $"{against} (version {version.Version})";
            // Scoring data has no label: the label's rule only applies when the column is there.
            var modelLabel = JsonDocument.Parse(version.SchemaJson).RootElement.GetProperty("label").GetString();
            if (modelLabel is not null && !data.Table.Contains(modelLabel)) ignore = [modelLabel];
        }
        // Values are checked one by one from their text, so a stray token is a violation with its row, not a read error.
        var text = contract is null ? null : TableReader.Read(request.Path, request.Read with { AsText = true });
        var violations = text is null ? [] : ContractChecker.Check(text.Table, contract!, ignore, text.DecimalComma);
        return new ValidationOutcome(data.Path, data.Table.RowCount, data.Table.Columns.Count, findings, source, violations);
    }

    /// <summary>The contract stored with a model version (artifact data/contract.json of its source run).</summary>
    /// <exception cref="KeelNotFoundException">The version's run has no contract (registered before contracts were stored).</exception>
    public static async Task<DataContract> ContractOfAsync(KeelStore store, ModelVersion version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        byte[] bytes;
        try
        {
            bytes = await store.ReadArtifactAsync(version.SourceRunId, "data/contract.json", ct);
        }
        catch (KeelNotFoundException e)
        {
            throw new KeelNotFoundException($"model '{version.Name}' version {version.Version} has no data contract (its run {version.SourceRunId} predates contracts); retrain it, or pass --contract FILE. ({e.Message})");
        }
        return DataContract.Parse(Encoding.UTF8.GetString(bytes), $"model '{version.Name}' version {version.Version} data/contract.json");
    }
}
