"""The expected values of ParameterImportanceTests.EpsilonSquared_Groups_AsFromScipysOneWayF (tests/Keel.Pipeline.Tests/Search):
epsilon squared of each grouping from SciPy's one-way ANOVA F, eps2 = (k - 1)(F - 1) / (F(k - 1) + n - k), floored at 0.

    /usr/bin/python3 bench/search/epsilon_squared_fixture.py
"""
from scipy.stats import f_oneway

CASES = [
    [[1, 2, 3], [4, 5, 6]],
    [[1, 2, 3], [4, 5, 6], [2.5, 3.5, 9, 1]],
    [[0.80, 0.81], [0.82, 0.79], [0.80, 0.83]],
]

for groups in CASES:
    f, _ = f_oneway(*groups)
    k, n = len(groups), sum(len(g) for g in groups)
    print(groups, repr(max(0.0, (k - 1) * (f - 1) / (f * (k - 1) + n - k))))
