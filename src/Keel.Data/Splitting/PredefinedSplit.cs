using Keel.Core;

namespace Keel.Data;

/// <summary>Test rows given by a row-index list or by a train/validation/test column; validation is carved from the rest.</summary>
internal static class PredefinedSplit
{
    public static (int[], int[], int[]) Split(int rowCount, SplitRequest request, string source, Random rng)
    {
        if ((request.PredefinedTestRows is null) == (request.PredefinedColumn is null))
            throw new KeelInputException($"{source}split.predefined: set exactly one of test_rows and column.");
        if (request.PredefinedTestRows is { } testRows) return FromRows(rowCount, testRows, request, source, rng);

        var column = request.PredefinedColumn!;
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        for (var r = 0; r < rowCount; r++)
        {
            var value = column.IsMissing(r) ? "" : column.Format(r).Trim().ToLowerInvariant();
            var into = value switch
            {
                "train" => train,
                "validation" or "valid" => validation,
                "test" => test,
                _ => throw new KeelInputException(
                    $"{source}row {r} (0-based), column '{column.Name}': expected train, validation, valid or test, got '{column.Format(r)}'."),
            };
            into.Add(r);
        }
        // A column that names validation rows is taken as is; otherwise validation comes out of its train rows.
        if (validation.Count > 0) return (train.ToArray(), validation.ToArray(), test.ToArray());
        var (held, rest) = HoldOut.Take(train, request.ValidationFraction, request.StratifyBy, rng);
        return (rest, held, test.ToArray());
    }

    private static (int[], int[], int[]) FromRows(int rowCount, IReadOnlyList<int> testRows, SplitRequest request, string source, Random rng)
    {
        var isTest = new bool[rowCount];
        foreach (var r in testRows)
        {
            if (r < 0 || r >= rowCount)
                throw new KeelInputException($"{source}split.predefined.test_rows: row {r} is out of range 0..{rowCount - 1}.");
            if (isTest[r]) throw new KeelInputException($"{source}split.predefined.test_rows: row {r} is listed twice.");
            isTest[r] = true;
        }
        var remaining = Enumerable.Range(0, rowCount).Where(r => !isTest[r]).ToArray();
        var (validation, train) = HoldOut.Take(remaining, request.ValidationFraction, request.StratifyBy, rng);
        return (train, validation, testRows.ToArray());
    }
}
