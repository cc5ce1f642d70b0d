using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Training.Ensembles;

/// <summary>What a stacking meta-learner reads from its members' predictions: per member, the log-odds of the positive class
/// (binary), the log-probability of every class (multiclass) or the predicted value (regression).</summary>
internal static class MetaFeatures
{
    /// <summary>Probabilities are clipped to [Clip, 1 - Clip] before the logarithm, so a member that is certain stays finite.</summary>
    public const double Clip = 1e-6;

    /// <summary>Meta-features per member for a task with <paramref name="classes"/> classes.</summary>
    public static int PerMember(TaskKind task, int classes) => task switch
    {
        TaskKind.Binary => 1,
        TaskKind.Multiclass => classes,
        _ => 1,
    };

    /// <summary>Writes member <paramref name="member"/>'s features of every row of <paramref name="p"/> into <paramref name="x"/> at
    /// rows <paramref name="rows"/> (x has one row per training row, <see cref="PerMember"/> × members columns).</summary>
    public static void Write(Predictions p, int member, IReadOnlyList<int> rows, double[][] x)
    {
        var width = PerMember(p.Task, p.Classes.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var target = x[rows[i]];
            switch (p.Task)
            {
                case TaskKind.Binary:
                    var q = Math.Clamp(p.Probabilities![i][1], Clip, 1 - Clip);
                    target[member] = Math.Log(q / (1 - q));
                    break;
                case TaskKind.Multiclass:
                    for (var k = 0; k < width; k++) target[member * width + k] = Math.Log(Math.Clamp(p.Probabilities![i][k], Clip, 1 - Clip));
                    break;
                default:
                    target[member] = p.Values![i];
                    break;
            }
        }
    }
}
