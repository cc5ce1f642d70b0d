namespace Keel.Monitoring.Performance;

/// <summary>Finds an outcome among a model's class names.</summary>
internal static class ClassNames
{
    /// <summary>Exact name first; otherwise a case-insensitive match (booleans arrive as true/false, files may say True); -1 when absent.</summary>
    public static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (classes[i] == name) return i;
        }
        for (var i = 0; i < classes.Count; i++)
        {
            if (string.Equals(classes[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
