using System.Runtime.CompilerServices;
using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Featurization;

/// <summary>Featurised matrices shared between the candidates of one run: built once per featurizer setting and row set.</summary>
/// <remarks>Keyed by the featurizer options and the identity of the train table (and of the table transformed with what was
/// learned on it), so every candidate that gets the same <see cref="TrainingData"/> reuses one buffer. Call <see cref="Clear"/>
/// when those tables are no longer trained on, so the memory can be reclaimed. Safe for use from several threads.</remarks>
public sealed class FeatureCache
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Key, Fitted> _fitted = [];
    private readonly Dictionary<(Key, Table), FeatureMatrix> _applied = [];

    private readonly record struct Key(FeaturizerOptions Options, Table Train)
    {
        public bool Equals(Key other) => Options == other.Options && ReferenceEquals(Train, other.Train);
        public override int GetHashCode() => HashCode.Combine(Options, RuntimeHelpers.GetHashCode(Train));
    }

    /// <summary>What was learned on one train table: the unstandardised state and rows, and the standardised state.</summary>
    internal sealed record Fitted(FeaturizerState Raw, FeatureMatrix Rows, FeaturizerState Standardised);

    /// <summary>Drops every cached matrix.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _fitted.Clear();
            _applied.Clear();
        }
    }

    /// <summary>The featurizer fitted on <paramref name="train"/> and its raw rows; <paramref name="options"/>' Standardize is ignored.
    /// <paramref name="labels"/> (of the train rows) are needed only for target encoding.</summary>
    internal Fitted Fit(Table train, FeaturizerOptions options, EncodedLabels? labels = null)
    {
        var key = new Key(options with { Standardize = false }, train);
        lock (_gate)
        {
            if (_fitted.TryGetValue(key, out var hit)) return hit;
            var (raw, rows) = Featurizer.FitTransform(train, key.Options, labels);
            var fitted = new Fitted(raw, rows, Featurizer.Standardised(raw, rows));
            _fitted[key] = fitted;
            return fitted;
        }
    }

    /// <summary>The raw (unstandardised) rows of <paramref name="table"/> under the featurizer fitted on <paramref name="train"/>.</summary>
    internal FeatureMatrix Apply(Table train, FeaturizerOptions options, Table table, EncodedLabels? labels = null)
    {
        var fitted = Fit(train, options, labels);
        var key = (new Key(options with { Standardize = false }, train), table);
        lock (_gate)
        {
            if (_applied.TryGetValue(key, out var hit)) return hit;
            var rows = Featurizer.TransformMatrix(fitted.Raw, table);
            _applied[key] = rows;
            return rows;
        }
    }
}
