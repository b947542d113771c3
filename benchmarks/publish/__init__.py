"""Benchmark: publish 10,000 homes and their hierarchy to the Builder Backed sandbox."""
