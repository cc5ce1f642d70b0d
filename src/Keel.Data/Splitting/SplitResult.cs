namespace Keel.Data;

/// <summary>Row indices of each split: each sorted ascending; together disjoint and covering every row.</summary>
public sealed record SplitResult(int[] Train, int[] Validation, int[] Test);
