"""Allow `python -m benchmarks.publish` as well as `python -m benchmarks publish`."""

import sys

from benchmarks.publish.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
