"""prakerja."""
