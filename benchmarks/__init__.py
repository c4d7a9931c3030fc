"""Speed measurements: each bench_*.py module has run() -> list of Row (see timing.py)."""
