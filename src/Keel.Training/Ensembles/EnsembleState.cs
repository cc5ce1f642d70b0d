namespace Keel.Training.Ensembles;

/// <summary>An ensemble's learned combination, stored in the package manifest; the members' own packages sit in model.zip.</summary>
/// <param name="Kind">voting, stacking or bagging.</param>
/// <param name="Members">Member names, in the order of their packages (bagging: the base name with the replica number).</param>
/// <param name="Weights">Voting and bagging: the weight of each member in the weighted mean of probabilities or values.</param>
/// <param name="Meta">Stacking: the meta-learner fitted on the members' out-of-fold predictions.</param>
internal sealed record EnsembleState(string Kind, IReadOnlyList<string> Members, double[]? Weights, MetaState? Meta);

/// <summary>A linear meta-learner over the members' predictions.</summary>
/// <param name="Intercepts">One per output (per class for classification, one for regression).</param>
/// <param name="Coefficients">Per output, one weight per meta-feature (see <see cref="MetaFeatures"/>).</param>
internal sealed record MetaState(double[] Intercepts, double[][] Coefficients);
