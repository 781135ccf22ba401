"""The ``prakerja`` command line run inside the test process, through the console script's own ``main()``.

A ``prakerja`` subprocess spends about a second importing the project before it
reads its arguments. The error-path tests (exit code 1, one line on stderr, no
traceback) need nothing that only a process of its own gives, so they call
``prakerja.cli.main()`` here; the end-to-end flows stay real subprocesses, which
prove that the console entry works in a process of its own.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, event


def run_in_process(
    args: Sequence[str],
    env: Mapping[str, str | None] | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess:
    """``prakerja *args`` in this process: the exit code, stdout and stderr a subprocess run would give.

    ``env`` sets variables for the call (None as a value unsets one); the rest of
    the environment is the test's own, as a subprocess inherits it. Environment,
    ``sys.argv``, the working folder and ``sys.excepthook`` (Typer replaces it) are
    set through ``monkeypatch``, so the test's teardown restores them.

    The exit code follows Python's own: 0 when ``main()`` returns or raises
    ``SystemExit(None)``, the number of ``SystemExit(n)``, and 1 for a message
    (printed to stderr, as the interpreter does). Any other exception would be a
    traceback in a real process; here it propagates and fails the test with it.

    The rich consoles (``prakerja.console`` and the commands' own) look up
    ``sys.stdout``/``sys.stderr`` at every write, so ``capsys`` captures them.
    Engines the command connected are disposed afterwards, closing their
    connections as the end of a process would.
    """
    import prakerja.cli

    for name, value in (env or {}).items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    if cwd is not None:
        monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["prakerja", *args])
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    capsys.readouterr()  # drop what the test printed before, so only the command's output is returned

    opened: set[Engine] = set()

    def note_engine(connection) -> None:
        opened.add(connection.engine)

    event.listen(Engine, "engine_connect", note_engine)
    try:
        prakerja.cli.main()
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    finally:
        event.remove(Engine, "engine_connect", note_engine)
        for engine in opened:
            engine.dispose()
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(["prakerja", *args], code, captured.out, captured.err)


def _exit_code(code: object) -> int:
    """The status a process exits with for ``SystemExit(code)``; a message is printed to stderr and means 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
