"""A baseline trace at the network's scale: one height per pixel column, columns increasing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class Trace:
    """Columns ``xs`` (increasing) and the baseline's height ``ys`` in each."""

    xs: np.ndarray
    ys: np.ndarray

    @property
    def x0(self) -> float:
        """First column."""
        return float(self.xs[0])

    @property
    def x1(self) -> float:
        """Last column."""
        return float(self.xs[-1])

    def y_at(self, x: float) -> float:
        """The baseline's height at column ``x`` (interpolated, held at the ends)."""
        return float(np.interp(x, self.xs, self.ys))

    def part(self, keep: np.ndarray) -> Trace:
        """The trace over the columns selected by a boolean mask."""
        return Trace(self.xs[keep], self.ys[keep])
