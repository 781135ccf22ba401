"""Model runs: every training recorded in ``model_runs`` with its artifact; one run promoted for serving.

An artifact is a pickle under ``settings.artifact_dir`` holding the fitted
model and the feature names it was trained on. When the catalogue changes
(new vacancies, new skills) a model still scores by feature *name*; the
documented fallback is:

* most of the model's vacancy features still exist -> serve it (unknown new
  features contribute nothing until the next training);
* fewer than :data:`MIN_FEATURE_OVERLAP` of them exist -> :class:`ArtifactMismatch`
  (a UserError telling the operator to retrain), because such a model would
  rank at random.
"""

from __future__ import annotations

import datetime as dt
import pickle
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, select, update

from prakerja.config import get_settings
from prakerja.db import reading, transaction
from prakerja.errors import UserError
from prakerja.models import ModelRun
from recommender.base import Recommender
from recommender.dataset import Dataset

#: Bumped when the artifact layout changes; older artifacts are refused with a clear message.
ARTIFACT_FORMAT = 1
#: Share of the model's vacancy feature names that must exist in the current catalogue.
MIN_FEATURE_OVERLAP = 0.5


class ArtifactMismatch(UserError):
    """A stored model does not fit the current data or cannot be read."""


@dataclass
class LoadedModel:
    """A fitted model with the run it came from."""

    run_id: int
    algorithm: str
    model: Recommender
    fingerprint: str | None
    user_feature_names: np.ndarray
    item_feature_names: np.ndarray

    def check_compatible(self, dataset: Dataset) -> float:
        """Share of the model's vacancy features present in ``dataset``; raises ArtifactMismatch when too low."""
        names = self.item_feature_names
        if len(names) == 0:
            return 1.0
        overlap = float(np.isin(names.astype(str), dataset.item_features.names.astype(str)).mean())
        if overlap < MIN_FEATURE_OVERLAP:
            raise ArtifactMismatch(
                f"model run {self.run_id} ({self.algorithm}) was trained on another catalogue: only {overlap:.0%} of its "
                f"vacancy features exist now (needs {MIN_FEATURE_OVERLAP:.0%}); retrain with `prakerja train`"
            )
        return overlap


def json_safe(value: Any) -> Any:
    """Parameters and metrics as plain JSON values (numpy scalars and arrays converted)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def record_run(
    engine: Engine,
    model: Recommender,
    dataset: Dataset,
    *,
    metrics: dict | None = None,
    notes: str | None = None,
    promote: bool = False,
    save_artifact: bool = True,
) -> int:
    """Record a fitted model as a run (and save its artifact); returns the run id.

    The row and the artifact are written together: if the artifact cannot be
    written the row is rolled back.
    """
    model._check_fitted()
    artifact_dir = get_settings().artifact_dir
    with transaction(engine) as session:
        run = ModelRun(
            algorithm=model.algorithm,
            params=json_safe(model.get_params()),
            metrics=json_safe(metrics or {}),
            data_fingerprint=dataset.fingerprint(),
            notes=notes,
            promoted=False,
        )
        session.add(run)
        session.flush()
        if save_artifact:
            # a random suffix: two databases sharing one artifact folder never overwrite each other's run 1
            path = Path(artifact_dir) / f"run-{run.id:06d}-{model.algorithm}-{uuid.uuid4().hex[:8]}.pkl"
            _write_artifact(path, run.id, model, dataset)
            run.artifact_path = str(path)
        run_id = run.id
    if promote:
        promote_run(engine, run_id)
    return run_id


def _write_artifact(path: Path, run_id: int, model: Recommender, dataset: Dataset) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": ARTIFACT_FORMAT,
        "run_id": run_id,
        "algorithm": model.algorithm,
        "model": model,
        "fingerprint": dataset.fingerprint(),
        "user_feature_names": np.asarray(dataset.user_features.names, dtype=object),
        "item_feature_names": np.asarray(dataset.item_features.names, dtype=object),
    }
    temporary = path.with_suffix(".tmp")
    with open(temporary, "wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)


def promote_run(engine: Engine, run_id: int) -> None:
    """Make ``run_id`` the one served (and no other); its artifact must be readable."""
    with transaction(engine) as session:
        run = session.get(ModelRun, int(run_id))
        if run is None:
            raise UserError(f"no model run with id {run_id}")
        if not run.artifact_path or not Path(run.artifact_path).is_file():
            raise ArtifactMismatch(f"model run {run_id} has no artifact file to serve; train again")
        session.execute(update(ModelRun).where(ModelRun.promoted.is_(True)).values(promoted=False))
        run.promoted = True
        run.promoted_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)


#: The spec's name; ``promote`` reads well at call sites.
promote = promote_run


def promoted_run_id(engine: Engine) -> int | None:
    """Id of the promoted run, or None."""
    with engine.connect() as connection:
        return connection.scalar(
            select(ModelRun.id).where(ModelRun.promoted.is_(True)).order_by(ModelRun.promoted_at.desc()).limit(1)
        )


def promoted_run_key(engine: Engine) -> tuple[int, str] | None:
    """(id, promotion time) of the promoted run: changes whenever another promotion happens."""
    with reading(engine) as connection:
        row = connection.execute(
            select(ModelRun.id, ModelRun.promoted_at).where(ModelRun.promoted.is_(True)).order_by(ModelRun.promoted_at.desc()).limit(1)
        ).first()
    return None if row is None else (int(row.id), str(row.promoted_at))


def load_run(engine: Engine, run_id: int) -> LoadedModel:
    """The fitted model of ``run_id``; ArtifactMismatch when its file is missing or unreadable."""
    with engine.connect() as connection:
        row = connection.execute(select(ModelRun.algorithm, ModelRun.artifact_path).where(ModelRun.id == int(run_id))).first()
    if row is None:
        raise UserError(f"no model run with id {run_id}")
    if not row.artifact_path:
        raise ArtifactMismatch(f"model run {run_id} has no artifact; train again")
    try:
        with open(row.artifact_path, "rb") as handle:
            payload = pickle.load(handle)
    except FileNotFoundError:
        raise ArtifactMismatch(f"the artifact of model run {run_id} is missing ({row.artifact_path}); train again") from None
    except (pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError, ImportError) as exc:
        raise ArtifactMismatch(f"the artifact of model run {run_id} cannot be read ({exc}); train again") from None
    if not isinstance(payload, dict) or payload.get("format") != ARTIFACT_FORMAT:
        raise ArtifactMismatch(f"the artifact of model run {run_id} has an old or unknown format; train again")
    return LoadedModel(
        run_id=int(run_id),
        algorithm=payload["algorithm"],
        model=payload["model"],
        fingerprint=payload.get("fingerprint"),
        user_feature_names=payload["user_feature_names"],
        item_feature_names=payload["item_feature_names"],
    )


def load_promoted(engine: Engine, dataset: Dataset | None = None) -> LoadedModel | None:
    """The promoted model (None when no run is promoted), checked against ``dataset`` when given."""
    run_id = promoted_run_id(engine)
    if run_id is None:
        return None
    loaded = load_run(engine, run_id)
    if dataset is not None:
        loaded.check_compatible(dataset)
    return loaded
