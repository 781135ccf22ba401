"""Province areas for the map, from a TopoJSON file the operator gives.

The product ships no boundaries (their licences vary); without a file the map
draws regencies as points from their coordinates alone. ``PRAKERJA_BOUNDARIES``
or ``prakerja dashboard --boundaries FILE`` names the file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from prakerja.errors import UserError

ENV_VARIABLE = "PRAKERJA_BOUNDARIES"


@dataclass(frozen=True)
class Boundaries:
    """A TopoJSON topology and the name of its object holding the areas."""

    topology: dict
    object_name: str


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


def configured_boundaries() -> Boundaries | None:
    """The operator's boundaries when ``PRAKERJA_BOUNDARIES`` is set, else None."""
    path = os.environ.get(ENV_VARIABLE)
    return load_boundaries(path) if path else None
