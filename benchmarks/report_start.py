"""What a report pays before its first notebook runs: importing ``helpers.report``.

    .venv/bin/python benchmarks/report_start.py [--repeats 7]

Times, in fresh processes and alternating the two so that the machine's load falls on both
alike, ``import helpers.report`` as the report starts (without rfc3987-syntax, which
``helpers/report.py`` keeps out: see the comment there) against the baseline of the same
import with rfc3987-syntax imported first, as jsonschema imported it before. Prints the
medians and their ratio; the figure that holds on a shared machine is the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "report (rfc3987-syntax kept out)": "import helpers.report",
    "baseline (rfc3987-syntax imported, as before)": "import rfc3987_syntax\nimport helpers.report",
}


def once(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.repeats):
        for name, code in CASES.items():
            times[name].append(once(code))
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, median in medians.items():
        print(f"{name:48} median {median:5.2f} s of {args.repeats} fresh processes "
              f"(min {min(times[name]):.2f}, max {max(times[name]):.2f})")
    report, baseline = medians.values()
    print(f"ratio report / baseline: {report / baseline:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
