using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Tracking.Tests.Contracts;

/// <summary>The three stores of one backend, opened together (they share one database and one artifact root).</summary>
public sealed record StoreSet(ITrackingStore Tracking, IModelRegistry Registry, IArtifactStore Artifacts);
