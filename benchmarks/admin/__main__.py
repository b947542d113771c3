"""Allow `python -m benchmarks.admin` as well as `python -m benchmarks admin`."""

import sys

from benchmarks.admin.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
