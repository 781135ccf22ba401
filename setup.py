"""Packaging beyond what pyproject.toml can say: which root folders are packages, and data/reference.

The packages live at the repository root (beside data/, tests/, docs/), so they
are listed by name; the reference files the product ships stay in
data/reference and are installed as the package ``prakerja_reference``.
"""

from setuptools import find_namespace_packages, setup

PACKAGES = ["prakerja", "jobs_ingest", "recommender", "prakerja_api", "dashboard"]

setup(
    packages=find_namespace_packages(include=[name for root in PACKAGES for name in (root, f"{root}.*")]) + ["prakerja_reference"],
    package_dir={"prakerja_reference": "data/reference"},
    package_data={"prakerja_reference": ["*.csv", "*.md", "*.json"]},
)
