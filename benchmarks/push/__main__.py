"""Allow `python -m benchmarks.push` as well as `python -m benchmarks push`."""

import sys

from benchmarks.push.run import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
