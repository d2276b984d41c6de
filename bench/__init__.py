"""Benchmarks at city scale: a synthetic Paris (`bench.generate`) and the measurements (`bench.run`).

Nothing here is imported by the application; it only calls the application's public functions.
"""
