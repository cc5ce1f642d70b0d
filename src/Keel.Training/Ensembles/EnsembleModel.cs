using System.IO.Compression;
using Keel.Core;
using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Training.Packaging;

namespace Keel.Training.Ensembles;

/// <summary>A fitted ensemble: its members' models and how their predictions combine (a weighted mean, or a meta-learner on
/// their predictions). Its package holds the combination in manifest.json and every member's own package in model.zip.</summary>
internal sealed class EnsembleModel : IFittedModel
{
    private const string MemberFolder = "members/";
    private readonly ModelHeader _header;

    public EnsembleModel(ModelHeader header, IReadOnlyList<IFittedModel> members, EnsembleState state)
    {
        if (members.Count == 0 || members.Count != state.Members.Count)
            throw new KeelInputException($"The '{header.Type}' ensemble has {members.Count} member models for {state.Members.Count} member names.");
        foreach (var m in members)
        {
            if (m.Task != header.Task || !m.Classes.SequenceEqual(header.Classes))
                throw new KeelInputException($"A member of the '{header.Type}' ensemble ({m.Type}) predicts other classes or another task than the ensemble.");
        }
        _header = header;
        Members = members;
        State = state;
        var columns = new List<ColumnSchema>();
        foreach (var c in members.SelectMany(m => m.InputSchema.Columns))
        {
            if (columns.All(k => k.Name != c.Name)) columns.Add(c);
        }
        InputSchema = new DataSchema(columns);
    }

    public string Type => _header.Type;
    public TaskKind Task => _header.Task;
    public IReadOnlyList<string> Classes => _header.Classes;
    public DataSchema InputSchema { get; }

    /// <summary>The member models, in the order of <see cref="EnsembleState.Members"/>.</summary>
    public IReadOnlyList<IFittedModel> Members { get; }

    /// <summary>How the members combine.</summary>
    public EnsembleState State { get; }

    /// <summary>Each member's fit result (for refitting with the rounds each one kept); null for a loaded model.</summary>
    public IReadOnlyList<FitResult>? MemberFits { get; init; }

    public Predictions Predict(Table features)
    {
        var predictions = Members.Select(m => m.Predict(features)).ToArray();
        if (State.Meta is { } meta)
        {
            var x = MetaRows(predictions, features.RowCount);
            return MetaLearner.Predict(meta, x, Task, Classes);
        }
        // The weighted mean of the members' probabilities (or values): Σ w·p / Σ w, summed in member order.
        var mean = PredictionBlend.WeightedMean(predictions, State.Weights ?? Enumerable.Repeat(1.0, Members.Count).ToArray());
        return Task == TaskKind.Regression ? mean : mean with { Classes = Classes };
    }

    /// <summary>The meta-learner's input rows for the members' <paramref name="predictions"/> of <paramref name="rows"/> rows.</summary>
    public double[][] MetaRows(IReadOnlyList<Predictions> predictions, int rows)
    {
        var width = MetaFeatures.PerMember(Task, Classes.Count);
        var x = new double[rows][];
        for (var i = 0; i < rows; i++) x[i] = new double[width * predictions.Count];
        var all = Enumerable.Range(0, rows).ToArray();
        for (var m = 0; m < predictions.Count; m++) MetaFeatures.Write(predictions[m], m, all, x);
        return x;
    }

    public void Save(Stream stream)
    {
        using var members = new MemoryStream();
        using (var zip = new ZipArchive(members, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var m = 0; m < Members.Count; m++)
            {
                using var entry = zip.CreateEntry($"{MemberFolder}{m}.zip", CompressionLevel.NoCompression).Open();
                Members[m].Save(entry);
            }
        }
        PackageIO.Write(stream, Manifest.For(_header, InputSchema, null, null) with { Ensemble = State }, members.ToArray());
    }

    public static EnsembleModel Load(Manifest manifest, byte[]? model)
    {
        var state = manifest.Ensemble!;
        if (model is null) throw new KeelInputException($"The model package of the '{manifest.Type}' ensemble lacks model.zip with its members.");
        var members = new List<IFittedModel>();
        try
        {
            using var zip = new ZipArchive(new MemoryStream(model), ZipArchiveMode.Read);
            for (var m = 0; m < state.Members.Count; m++)
            {
                var entry = zip.GetEntry($"{MemberFolder}{m}.zip")
                    ?? throw new KeelInputException($"The model package of the '{manifest.Type}' ensemble has no package for member {m} ({state.Members[m]}).");
                using var s = entry.Open();
                using var buffer = new MemoryStream();
                s.CopyTo(buffer);
                buffer.Position = 0;
                members.Add(ModelPackage.Load(buffer));
            }
        }
        catch (InvalidDataException e)
        {
            throw new KeelInputException($"The model package of the '{manifest.Type}' ensemble has an unreadable model.zip: {e.Message}", e);
        }
        if (state.Weights is { } w && w.Length != members.Count)
            throw new KeelInputException($"The model package of the '{manifest.Type}' ensemble has {w.Length} weights for {members.Count} members.");
        return new EnsembleModel(manifest.Header, members, state);
    }
}
