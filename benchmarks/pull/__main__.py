"""Allow `python -m benchmarks.pull` as well as `python -m benchmarks pull`."""

import sys

from benchmarks.pull.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
