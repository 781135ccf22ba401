"""What a request must satisfy before any route sees it: a bounded body, and no NUL in its URL.

- **Body size.** Without a limit a 49 MB partner POST was read and parsed (9 s
  of one worker) while ``/healthz`` slowed to 424 ms. A body over
  :data:`MAX_BODY_BYTES` is answered 413 with the usual JSON error body: at
  once when ``Content-Length`` says so, else as soon as the streamed body
  passes the limit (nothing beyond it is read).
- **NUL characters.** PostgreSQL's text type refuses U+0000: a ``q=%00``
  failed deep in the driver (500, and the keep-alive connection was reset)
  while SQLite stored it. A NUL in the path or the query string is answered
  400 here, the same on both databases; NULs inside JSON bodies are refused
  by the request models (:data:`prakerja_api.schemas.Text`).

A pure ASGI middleware (not Starlette's ``BaseHTTPMiddleware``): it adds no
task or copy per request, and the body it has read is handed on as is.
"""

from __future__ import annotations

import json

#: Largest request body accepted: a partner batch of 1,000 postings of 4 KB each fits.
MAX_BODY_BYTES = 4 * 1024 * 1024

_NUL_IN_URL = (b"%00", b"\x00")


def _error(status: int, code: str, message: str) -> tuple[dict, dict]:
    body = json.dumps({"error": code, "message": message}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")],
    }
    return start, {"type": "http.response.body", "body": body}


class RequestGuard:
    """ASGI middleware: 413 for a body over ``max_body_bytes``, 400 for a NUL in the path or query string."""

    def __init__(self, app, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url = scope.get("raw_path", b"") + b"?" + scope.get("query_string", b"")
        if any(nul in url.lower() for nul in _NUL_IN_URL):
            await self._answer(send, 400, "bad_request", "NUL characters (%00) are not allowed in the path or query string")
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await self._answer(send, 413, "too_large", self._too_large())
            return
        if declared == 0 or scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and declared is None:
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._answer(send, 413, "too_large", self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as the server would say it

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"request body larger than {self.max_body_bytes:,} bytes; send fewer postings per batch"

    @staticmethod
    async def _answer(send, status: int, code: str, message: str) -> None:
        start, body = _error(status, code, message)
        await send(start)
        await send(body)


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
