"""Worker processes that each listen on the port themselves, so the kernel spreads connections over them.

uvicorn's ``--workers`` shares one listening socket between its workers, and
the first worker to wake accepts every connection of a burst. Clients keep
their connections open (keep-alive), so that worker serves them all for good
while the others idle: measured with 32 connections and 2 workers, one worker
did 97% of the work and the service answered half what it could. Here every
worker opens its own socket with ``SO_REUSEPORT``, and the kernel hands each new
connection to one of them by a hash of its addresses, as nginx's ``reuseport`` does.

The parent process only supervises: it restarts a worker that dies and stops
them all on SIGINT or SIGTERM (each finishes its requests in flight). Where
``SO_REUSEPORT`` does not exist (not Linux or BSD) or with one worker, uvicorn's
own mode runs instead.

``python -m prakerja_api.workers --app MODULE:FACTORY --port 8000 --workers 2``
serves another application factory the same way (the benchmark's).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import signal
import socket
import time
from dataclasses import dataclass

log = logging.getLogger("prakerja.service")

APP = "prakerja_api.app:create_app_from_env"


@dataclass(frozen=True)
class ServeOptions:
    """What every worker is started with."""

    app: str = APP
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "info"
    access_log: bool = True


def reuse_port_available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    """A bound, listening TCP socket for ``host:port`` (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def check_port_free(host: str, port: int) -> None:
    """Raise OSError when anything listens on ``host:port`` already.

    With ``SO_REUSEPORT`` a second copy of the service would otherwise share
    the port with the first, silently, and take half its connections.
    """
    probe = listening_socket(host, port, reuse_port=False)
    probe.close()


def _worker(options: ServeOptions) -> None:
    import uvicorn

    sock = listening_socket(options.host, options.port, reuse_port=True)
    config = uvicorn.Config(
        options.app, factory=True, log_level=options.log_level, access_log=options.access_log,
        http="httptools", loop="uvloop",
    )
    uvicorn.Server(config).run(sockets=[sock])


def run(options: ServeOptions) -> None:
    """Serve ``options.app`` with ``options.workers`` processes until SIGINT or SIGTERM."""
    import uvicorn

    if options.workers == 1 or not reuse_port_available():
        uvicorn.run(
            options.app, factory=True, host=options.host, port=options.port, workers=options.workers,
            log_level=options.log_level, access_log=options.access_log, http="httptools", loop="uvloop",
        )
        return
    check_port_free(options.host, options.port)
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(_signal, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    processes = []
    try:
        processes = [context.Process(target=_worker, args=(options,), name=f"prakerja-worker-{i}") for i in range(options.workers)]
        for process in processes:
            process.start()
        while not stopping:
            time.sleep(0.2)
            for position, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    log.warning("worker %s exited with code %s; starting another", process.name, process.exitcode)
                    processes[position] = context.Process(target=_worker, args=(options,), name=process.name)
                    processes[position].start()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m prakerja_api.workers", description=__doc__.splitlines()[0])
    parser.add_argument("--app", default=APP, help="MODULE:FACTORY of the application")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--log-level", default="info")
    parser.add_argument("--no-access-log", action="store_true")
    args = parser.parse_args(argv)
    run(ServeOptions(args.app, args.host, args.port, args.workers, args.log_level, not args.no_access_log))


if __name__ == "__main__":
    main()
