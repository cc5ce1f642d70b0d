using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.Data;

/// <summary>
/// The encoded label of a table: the task, the labels of the kept rows, the original indices of those rows
/// (rows whose label is missing are dropped) and how many were dropped.
/// </summary>
public sealed record LabelInfo(TaskKind Task, EncodedLabels Labels, int[] KeptRows, int DroppedMissing);
