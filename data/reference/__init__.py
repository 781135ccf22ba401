"""The reference files the product ships (installed as the package prakerja_reference; see ATTRIBUTION.md)."""
