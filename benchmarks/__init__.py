"""Measurement scripts with their own command: `make bench BENCH=<name>` (see __main__.py)."""
