"""CSV import benchmark: 100,000 homes with one homeowner each, on PostgreSQL.

`make bench BENCH=csv_import` (or `python -m benchmarks csv_import [--rows N] [--big N] …`).
Compared in the same run with django-import-export 4.x and with a raw PostgreSQL COPY.
"""
