"""Run one benchmark: `python -m benchmarks <name> [args…]`, as `make bench BENCH=<name>` does.

A benchmark is a folder `benchmarks/<name>/` holding `run.py` (or `__main__.py`) with a function
`main(argv) -> int | None`. Nothing to register: add the folder and it is found by its name.
"""

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENTRY_MODULES = ("run", "__main__")


def benchmarks_available() -> dict[str, str]:
    """Map each benchmark's name to the module that holds its `main`."""
    found = {}
    for folder in sorted(p for p in HERE.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for module in ENTRY_MODULES:
            if (folder / f"{module}.py").exists():
                found[folder.name] = f"{__package__ or 'benchmarks'}.{folder.name}.{module}"
                break
    return found


def usage(available: dict[str, str]) -> str:
    names = ", ".join(available) or "none yet"
    return (
        f"usage: python -m benchmarks <name> [options]   (make bench BENCH=<name>)\n"
        f"benchmarks: {names}"
    )


def main(argv: list[str]) -> int:
    available = benchmarks_available()
    if not argv or argv[0] in ("-h", "--help"):
        print(usage(available))
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in available:
        print(f"no benchmark named {name!r}\n{usage(available)}", file=sys.stderr)
        return 2
    module = importlib.import_module(available[name])
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
