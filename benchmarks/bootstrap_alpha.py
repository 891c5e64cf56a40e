"""How much faster ``reliability.bootstrap_alpha_ci`` is than the loop it replaced, same run.

    python benchmarks/bootstrap_alpha.py [--repeats 5] [--n-boot 1000]

The loop (:func:`by_resample`, kept here as it was) computed Krippendorff's alpha from
scratch on each resample; ``bootstrap_alpha_ci`` counts each group's coincidences once
and sums them per resample with one matrix product, drawing the same resamples from the
same seed. Both run, alternating, on seeded reliability data shaped like
``make evaluate``'s (two coders; paragraphs x 14 codes pooled, resampled by paragraph;
and sentences x 14 codes), and the script prints each median, their ratio and whether the
intervals are identical.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import reliability  # noqa: E402


def by_resample(data, n_boot: int = 1000, seed: int = 0, level: float = 0.95, groups=None) -> tuple[float, float]:
    """``bootstrap_alpha_ci`` before it was vectorised: one alpha per resample (the
    percentile interval of the alphas is the one both share)."""
    arr = np.asarray(data, dtype=float)
    rng = np.random.default_rng(seed)
    if groups is None:
        members = [np.array([j]) for j in range(arr.shape[1])]
    else:
        _, inverse = np.unique(np.asarray(groups), return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        members = np.split(order, np.cumsum(np.bincount(inverse))[:-1])
    if not members:
        return float("nan"), float("nan")
    alphas = np.empty(n_boot)
    for i in range(n_boot):
        pick = rng.integers(0, len(members), size=len(members))
        cols = np.concatenate([members[j] for j in pick])
        alphas[i] = reliability.krippendorff_alpha(arr[:, cols])
    # the percentile step written out here too, so the test against this loop checks it
    alphas = alphas[np.isfinite(alphas)]
    if not alphas.size:
        return float("nan"), float("nan")
    tail = (1 - level) / 2
    low, high = np.quantile(alphas, [tail, 1 - tail])
    return float(low), float(high)


def coded_units(units: int, codes: int = 14, agree: float = 0.9, rate: float = 0.12, seed: int = 1) -> np.ndarray:
    """Two coders' 0/1 decisions on ``units`` x ``codes`` (pooled as columns, unit-major):
    the first codes at ``rate``, the second agrees with it at ``agree``."""
    rng = np.random.default_rng(seed)
    a = (rng.random(units * codes) < rate).astype(float)
    b = np.where(rng.random(a.size) < agree, a, 1 - a)
    return np.vstack([a, b])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--n-boot", type=int, default=1000)
    args = ap.parse_args()
    cases = {"paragraphs (469 x 14 codes, by paragraph)": (coded_units(469), np.repeat(np.arange(469), 14)),
             "sentences (2000 x 14 codes, by unit)": (coded_units(2000, seed=2), None)}
    for name, (data, groups) in cases.items():
        old_t, new_t = [], []
        for _ in range(args.repeats):  # alternating, so that load on the machine falls on both
            t = time.perf_counter()
            old = by_resample(data, n_boot=args.n_boot, seed=0, groups=groups)
            old_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            new = reliability.bootstrap_alpha_ci(data, n_boot=args.n_boot, seed=0, groups=groups)
            new_t.append(time.perf_counter() - t)
        o, n = statistics.median(old_t), statistics.median(new_t)
        print(f"{name}, n_boot {args.n_boot}: loop median {o:.3f} s, vectorised median {n:.4f} s, "
              f"ratio x{o / n:.0f}; intervals {'identical' if old == new else f'differ: {old} {new}'}")


if __name__ == "__main__":
    main()
