"""Tests of the project (a package: helpers are imported as tests.<folder>.<module>)."""
