"""Settings read from the environment, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")


@dataclass(frozen=True)
class Settings:
    """Where the product keeps its state.

    ``DATABASE_URL`` selects the database (default: the embedded SQLite file
    ``data/prakerja.db``); ``PRAKERJA_DATA_DIR`` the folder for the database and
    model artifacts.
    """

    database_url: str
    data_dir: Path
    artifact_dir: Path

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(os.environ.get("PRAKERJA_DATA_DIR", DEFAULT_DATA_DIR))
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'prakerja.db'}"
        artifact_dir = Path(os.environ.get("PRAKERJA_ARTIFACT_DIR", data_dir / "models"))
        return cls(database_url=url, data_dir=data_dir, artifact_dir=artifact_dir)


def get_settings() -> Settings:
    """The current settings (read afresh so tests can change the environment)."""
    return Settings.from_env()
