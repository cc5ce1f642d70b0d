"""Keel.Evaluation.Uncertainty.SplitMix64, shared by the fixture scripts of this folder."""
import numpy as np

MASK = (1 << 64) - 1


class SplitMix64:
    """The resample stream of Keel.Evaluation.Uncertainty.SplitMix64."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def resample(self, rows):
        return np.array([rows[self.next() % len(rows)] for _ in range(len(rows))], dtype=int)
