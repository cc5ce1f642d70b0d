using System.Collections.Concurrent;
using Keel.Core.Data;

namespace Keel.Training.Tests;

/// <summary>Class fixture: each (type, task, with validation) is trained once with <see cref="TestData.FastSpec"/> on the
/// shared split and reused by every test of the class that only reads the result.</summary>
public sealed class TrainedModels
{
    private readonly ConcurrentDictionary<(string, TaskKind, bool), Lazy<FitResult>> _fits = new();

    /// <summary>The fit of <paramref name="type"/> on <see cref="TestData.Split"/>'s train rows; the test rows validate when asked.</summary>
    public FitResult Get(string type, TaskKind task, bool withValidation = false) =>
        _fits.GetOrAdd((type, task, withValidation), k => new Lazy<FitResult>(() =>
        {
            var (train, valid) = TestData.Split(TestData.ForTask(k.Item2));
            return TrainerCatalog.Create(TestData.FastSpec(k.Item1, k.Item2), k.Item2, 0).Fit(train, k.Item3 ? valid : null, TestData.Context());
        })).Value;
}
