"""Where the reference files the product ships are found.

They live in the repository's data/reference and are installed as the package
``prakerja_reference`` (see setup.py), so a clone, an editable install and a
wheel all find them the same way; PRAKERJA_REFERENCE_DIR overrides.
"""

import os
from importlib.resources import files
from pathlib import Path

REFERENCE_DIR = Path(os.environ.get("PRAKERJA_REFERENCE_DIR") or str(files("prakerja_reference")))
