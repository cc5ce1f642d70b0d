using Keel.Core;
using Keel.Core.Spec;

namespace Keel.Data;

/// <summary>Splits row indices into train, validation and test; the same request and seed give the same result.</summary>
public static class Splitter
{
    /// <summary>Splits rows 0..<paramref name="rowCount"/>-1 as <paramref name="request"/> says; user errors throw <see cref="KeelInputException"/>.</summary>
    public static SplitResult Split(int rowCount, SplitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var source = request.SourceName.Length > 0 ? request.SourceName + ": " : "";
        if (!(request.TestFraction > 0 && request.TestFraction < 1))
            throw new KeelInputException($"{source}split.test_fraction: expected a number in (0, 1), got {request.TestFraction}.");
        if (!(request.ValidationFraction >= 0 && request.ValidationFraction < 1))
            throw new KeelInputException($"{source}split.validation_fraction: expected a number in [0, 1), got {request.ValidationFraction}.");
        if (rowCount < 2)
            throw new KeelInputException($"{source}split: needs at least 2 rows to make train and test splits, got {rowCount}.");
        if (request.StratifyBy is { } s && s.Length != rowCount)
            throw new ArgumentException($"StratifyBy has {s.Length} entries for {rowCount} rows.", nameof(request));

        var rng = new Random(request.Seed);
        var all = Enumerable.Range(0, rowCount).ToArray();
        var (train, validation, test) = request.Strategy switch
        {
            SplitStrategy.Random => Shuffled(all, request, null, rng),
            SplitStrategy.Stratified => Shuffled(all, request,
                request.StratifyBy ?? throw new KeelInputException(
                    $"{source}split.strategy: stratified needs a classification label; use random for regression."), rng),
            SplitStrategy.Time => OrderedSplits.ByTime(rowCount, request, source),
            SplitStrategy.Group => OrderedSplits.ByGroup(rowCount, request, source, rng),
            SplitStrategy.Predefined => PredefinedSplit.Split(rowCount, request, source, rng),
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Strategy, "Unknown split strategy."),
        };
        var name = request.Strategy.ToString().ToLowerInvariant();
        if (test.Length == 0) throw new KeelInputException($"{source}split ({name}): the test split is empty; check the split settings.");
        if (train.Length == 0) throw new KeelInputException($"{source}split ({name}): the train split is empty; check the split settings.");
        return new SplitResult(Sorted(train), Sorted(validation), Sorted(test));
    }

    private static (int[], int[], int[]) Shuffled(int[] rows, SplitRequest request, int[]? classes, Random rng)
    {
        var (test, rest) = HoldOut.Take(rows, request.TestFraction, classes, rng);
        var (validation, train) = HoldOut.Take(rest, request.ValidationFraction, classes, rng);
        return (train, validation, test);
    }

    private static int[] Sorted(int[] rows)
    {
        var copy = rows.ToArray();
        Array.Sort(copy);
        return copy;
    }
}
