"""How long the check of cleaning patterns takes when the default rules load, before and after a change.

    python benchmarks/pattern_check.py [--before main] [--repeats 7]

Loading ``helpers/data/boilerplate.yaml`` checks every pattern for slow matching
(``clean.backtracking_risk``, cached per pattern within a process). This loads the rules
with the cache cleared, in one process, alternating the ``clean`` module of this checkout
with the one of the git revision ``--before`` (loaded from ``git show`` as a module of the
package, so that it uses the same ``paths`` and ``io``), so that the machine's load falls
on both alike; checks that both accept every default pattern, and prints the medians and
their ratio (after / before).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import clean, paths  # noqa: E402


def _module_at(revision: str):
    """The ``helpers/clean.py`` of ``revision``, loaded as ``helpers._clean_before``."""
    source = subprocess.run(["git", "show", f"{revision}:helpers/clean.py"], cwd=paths.PROJ_ROOT, check=True,
                            capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("helpers._clean_before", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "helpers"
    sys.modules[spec.name] = module
    exec(compile(source, f"{revision}:helpers/clean.py", "exec"), module.__dict__)
    return module


def _load_time(module) -> tuple[float, int]:
    module._backtracking_risk.cache_clear()
    t = time.perf_counter()
    rules = module.load_rules()
    return time.perf_counter() - t, sum(len(r.patterns) + len(r.signals) for r in rules)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="main", help="the git revision to compare with (default: main)")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    modules = {"before": _module_at(args.before), "after": clean}
    times: dict[str, list[float]] = {k: [] for k in modules}
    counts = {}
    for _ in range(args.repeats):
        for name, module in modules.items():
            t, counts[name] = _load_time(module)
            times[name].append(t)
    old, new = (statistics.median(times[k]) for k in ("before", "after"))
    print(f"default rules: {counts['after']} patterns and signals, all accepted by both: "
          f"{counts['before'] == counts['after']}")
    for name in modules:
        print(f"{name:6s} median {statistics.median(times[name]):.3f} s of {[round(t, 3) for t in times[name]]}")
    print(f"ratio after / before: {new / old:.2f}")


if __name__ == "__main__":
    main()
