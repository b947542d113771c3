"""Benchmark of the home changelist at 100,000 homes in PostgreSQL (`make bench BENCH=admin`)."""
