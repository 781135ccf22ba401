"""Province outlines for the map: the shipped ones, or a TopoJSON file the operator gives.

Without outlines the regency points float on white and a manager cannot tell
where they are, so the product ships a simplified copy of the 38 provinces
(CC BY 4.0, credited in ``data/reference/ATTRIBUTION.md``).
``PRAKERJA_BOUNDARIES`` or ``prakerja dashboard --boundaries FILE`` replaces it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from prakerja.errors import UserError
from prakerja.reference.paths import REFERENCE_DIR

ENV_VARIABLE = "PRAKERJA_BOUNDARIES"
SHIPPED = REFERENCE_DIR / "provinces.topo.json"


@dataclass(frozen=True)
class Boundaries:
    """A TopoJSON topology and the name of its object holding the areas."""

    topology: dict
    object_name: str

    @property
    def code_property(self) -> str | None:
        """The property holding the province's Kemendagri code ("KODE_PROV" in the shipped file), if any."""
        geometries = self.topology["objects"][self.object_name].get("geometries") or [{}]
        properties = geometries[0].get("properties") or {}
        return "KODE_PROV" if "KODE_PROV" in properties else None


def load_boundaries(path: str | Path) -> Boundaries:
    """Read a TopoJSON file; its first object is taken as the areas.

    Raises
    ------
    UserError
        When the file is missing, not JSON, or not a TopoJSON topology.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"boundaries file {path} does not exist") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"boundaries file {path} is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("type") != "Topology" or not data.get("objects"):
        raise UserError(f"boundaries file {path} is not TopoJSON (needs \"type\": \"Topology\" and objects)")
    return Boundaries(topology=data, object_name=next(iter(data["objects"])))


@lru_cache(maxsize=4)
def _cached(path: str) -> Boundaries:
    return load_boundaries(path)


def configured_boundaries() -> Boundaries:
    """The operator's outlines when ``PRAKERJA_BOUNDARIES`` is set, else the shipped provinces."""
    return _cached(os.environ.get(ENV_VARIABLE) or str(SHIPPED))
