"""Run benchmarks by name: ``python -m benchmarks demo --participants 100000``.

Leading words name benchmarks (``demo`` or ``bench_demo``; none means all);
everything from the first option on is handed to each benchmark's ``main``.
``--list`` prints the names.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

PREFIX = "bench_"


def available() -> list[str]:
    """Names of the benchmark modules in this folder, without the prefix."""
    folder = Path(__file__).parent
    return sorted(m.name[len(PREFIX):] for m in pkgutil.iter_modules([str(folder)]) if m.name.startswith(PREFIX))


def main(argv: list[str]) -> int:
    names = []
    while argv and not argv[0].startswith("-"):
        names.append(argv.pop(0).removeprefix(PREFIX))
    if argv[:1] == ["--list"]:
        print("\n".join(available()))
        return 0
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"error: no benchmark named {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    for name in names or available():
        print(f"== benchmark {name}", flush=True)
        importlib.import_module(f"benchmarks.{PREFIX}{name}").main(list(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
