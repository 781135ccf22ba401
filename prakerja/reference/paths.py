"""Where the reference files the product ships are found."""

import os
from pathlib import Path

# Editable installs and clones keep data/ beside src/; PRAKERJA_REFERENCE_DIR overrides.
REFERENCE_DIR = Path(os.environ.get("PRAKERJA_REFERENCE_DIR", Path(__file__).resolve().parents[3] / "data" / "reference"))
