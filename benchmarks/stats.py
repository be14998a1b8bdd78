"""Cost of the significance tests of every comparison, on this machine.

Prints, measured in this run on data of the default study's size (2 models x 5 seeds x 600 test
samples in 150 spatial clusters): the seconds of one seed-mean DeLong test and of one cluster
bootstrap (2,000 replicates), and their ratio. The scorecard runs both for every comparison of every
claim and scheme, so the bootstrap's cost is what the evaluate job pays per comparison.

    .venv/bin/python benchmarks/stats.py [--replicates N] [--repeats N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lsm.evaluate.stats import cluster_bootstrap, delong_seed_mean


def seeded_scores(rng: np.random.Generator, labels: np.ndarray, strength: float, seeds: int) -> np.ndarray:
    """(seeds, samples) scores: a shared signal plus seed-to-seed noise."""
    shared = strength * labels + rng.normal(0, 1, labels.size)
    return np.round(shared + rng.normal(0, 0.5, (seeds, labels.size)), 1)


def best_of(repeats: int, call) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(8)
    labels = rng.random(600) < 1 / 3
    ref, base = seeded_scores(rng, labels, 1.0, 5), seeded_scores(rng, labels, 0.9, 5)
    clusters = rng.integers(0, 150, labels.size)
    delong = best_of(args.repeats, lambda: delong_seed_mean(labels, ref, base))
    boot = best_of(
        args.repeats, lambda: cluster_bootstrap(labels, ref, base, clusters, n_boot=args.replicates)
    )
    print(f"seed-mean DeLong:                     {delong:8.4f} s")
    print(f"cluster bootstrap ({args.replicates} replicates): {boot:8.4f} s  ({boot / delong:.0f} x DeLong)")


if __name__ == "__main__":
    main()
