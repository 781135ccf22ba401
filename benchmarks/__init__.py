"""Benchmarks: ``python -m benchmarks [name ...] [--option ...]`` (``make bench``).

Each ``bench_<name>.py`` module here exposes ``main(argv: list[str]) -> None``;
adding such a file is all it takes to add a benchmark.
"""
