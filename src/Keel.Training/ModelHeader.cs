using Keel.Core.Data;

namespace Keel.Training;

/// <summary>What every fitted model records about itself besides its learned state.</summary>
/// <param name="Type">Trainer type, e.g. "lightgbm".</param>
/// <param name="Task">The task.</param>
/// <param name="Classes">Class names in probability order (empty for regression).</param>
/// <param name="EffectiveParams">The trainer's options with defaults filled in.</param>
internal sealed record ModelHeader(string Type, TaskKind Task, IReadOnlyList<string> Classes, IReadOnlyDictionary<string, string> EffectiveParams);
