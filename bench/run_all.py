"""Run every benchmark in bench/ and print its figures (the README quotes the latest run)."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODULES = ["bench_load", "bench_ask", "bench_check", "bench_web", "bench_directory",
           "bench_literature"]


def main() -> None:
    for name in sys.argv[1:] or MODULES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            print(f"== {name}: not present")
            continue
        print(f"== {name}")
        t = time.perf_counter()
        module.main() if name not in ("bench_load", "bench_ask") else module.main(100_000)
        print(f"   ({time.perf_counter() - t:.0f} s)")


if __name__ == "__main__":
    main()
