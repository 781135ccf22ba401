"""The project installs as a wheel (not editable) and works from another directory.

The packages sit at the repository root, so nothing but packaging keeps a wheel
complete: this builds one, installs it into a fresh virtual environment that
holds only the dependencies the wheel declares (and theirs), and runs the
installed command in a folder that holds no checkout: ``--help`` lists every
part's commands, ``init`` loads the shipped reference files and migrations into
a new SQLite file, and ``dashboard`` starts Streamlit from the entry shipped
inside the package.

The dependencies are not downloaded again: ``make install`` has just resolved
them from the package registry into the project's venv. The fixture follows the
wheel's own ``Requires-Dist`` (markers and extras evaluated) through the
installed distributions and hard-links the files each one's ``RECORD`` lists
into the new venv, which is what pip would unpack, in a second instead of a
minute; ``pip check`` then proves every requirement is met. A dependency used
but not declared (or only declared as a dev extra) is missing there, so the
commands below fail.
"""

from __future__ import annotations

import email.parser
import importlib.metadata
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _declared_requirements(wheel: Path) -> list[Requirement]:
    """The ``Requires-Dist`` lines of the wheel's own metadata."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        message = email.parser.BytesParser().parsebytes(archive.read(metadata))
    return [Requirement(line) for line in message.get_all("Requires-Dist") or []]


def _runtime_closure(requirements: list[Requirement]) -> list[importlib.metadata.Distribution]:
    """The installed distributions the requirements need at run time, transitively (no extras unless asked for)."""

    def wanted(requirement: Requirement, extras: frozenset[str]) -> bool:
        return requirement.marker is None or any(requirement.marker.evaluate({"extra": extra}) for extra in {"", *extras})

    found: dict[str, importlib.metadata.Distribution] = {}
    visited: set[tuple[str, frozenset[str]]] = set()
    todo = [(requirement, frozenset()) for requirement in requirements]
    while todo:
        requirement, parent_extras = todo.pop()
        if not wanted(requirement, parent_extras):
            continue
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in visited:
            continue
        visited.add(key)
        distribution = importlib.metadata.distribution(requirement.name)
        assert distribution.version in requirement.specifier or not requirement.specifier, (requirement, distribution.version)
        found[key[0]] = distribution
        todo += [(Requirement(line), key[1]) for line in distribution.requires or []]
    return list(found.values())


def _link_installed(distribution: importlib.metadata.Distribution, site_packages: Path) -> None:
    """Hard-link the distribution's files under site-packages (its RECORD) into another site-packages."""
    files = distribution.files
    assert files, f"{distribution.metadata['Name']} has no RECORD"
    origin = Path(distribution.locate_file(""))
    for file in files:
        if file.parts[0] == "..":  # console scripts of dependencies point at the project's venv; nothing runs them
            continue
        source, target = origin / file, site_packages / file
        if source.exists() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv holding the project's wheel and only what it declares it needs."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(PROJECT_ROOT)],
        check=True, cwd=work,
    )
    wheels = list((work / "dist").glob("prakerja_match-*.whl"))
    assert len(wheels) == 1, wheels
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(work / "venv")], check=True)
    bin_dir = work / "venv" / "bin"
    site_packages = Path(subprocess.run(
        [str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True,
    ).stdout.strip())
    for distribution in _runtime_closure(_declared_requirements(wheels[0])):
        _link_installed(distribution, site_packages)
    pip = [sys.executable, "-m", "pip", "--python", str(bin_dir / "python")]
    subprocess.run([*pip, "install", "--quiet", "--no-deps", "--no-index", "--no-compile", str(wheels[0])], check=True, cwd=work)
    checked = subprocess.run([*pip, "check"], capture_output=True, text=True, cwd=work)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return bin_dir


def _run(bin_dir: Path, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "prakerja"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _clean_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRAKERJA_", "DATABASE_URL", "PYTHONPATH"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'wheel.db'}"
    env["PRAKERJA_DATA_DIR"] = str(tmp_path / "data")
    return env


def test_the_wheel_ships_every_package_and_its_files(installed, tmp_path):
    python = installed / "python"
    code = (
        "import importlib.resources as r, prakerja, jobs_ingest, recommender, dashboard, prakerja_api;"
        "print(prakerja.__file__);"
        "print(sorted(p.name for p in r.files('prakerja_reference').iterdir()));"
        "print(sorted(p.name for p in r.files('prakerja').joinpath('migrations', 'versions').iterdir()));"
        "print(r.files('dashboard').joinpath('entry', 'streamlit_app.py').is_file(), r.files('dashboard').joinpath('pages', 'matches.py').is_file())"
    )
    shown = subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(PROJECT_ROOT) not in shown and "site-packages" in shown.splitlines()[0]
    assert "regencies.csv" in shown and "skills.csv" in shown and "ATTRIBUTION.md" in shown
    assert "0001_initial_schema.py" in shown and "True True" in shown


def test_the_installed_command_runs_from_another_directory(installed, tmp_path):
    env = _clean_env(tmp_path)
    helped = _run(installed, "--help", cwd=tmp_path, env=env)
    assert helped.returncode == 0, helped.stderr
    for command in ("init", "ingest", "train", "recommend", "evaluate", "serve", "dashboard", "apikey"):
        assert command in helped.stdout
    initialised = _run(installed, "init", cwd=tmp_path, env=env)
    assert initialised.returncode == 0, initialised.stderr
    stats = _run(installed, "db", "stats", "--format", "json", cwd=tmp_path, env=env)
    assert stats.returncode == 0, stats.stderr
    assert '"regencies": 514' in stats.stdout.replace(" ", "").replace('":', '": ')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_installed_dashboard_starts(installed, tmp_path):
    env = _clean_env(tmp_path)
    assert _run(installed, "init", cwd=tmp_path, env=env).returncode == 0
    port = _free_port()
    process = subprocess.Popen(
        [str(installed / "prakerja"), "dashboard", "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                    assert answer.read() == b"ok"
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(1)
        else:
            pytest.fail("the installed dashboard did not answer within 120 s")
    finally:
        process.terminate()
        process.wait(timeout=30)
