"""Every error leaves the service as a JSON body that says what is wrong.

Shape: ``{"error": "<short code>", "message": "<sentence>", "details": [...]}``
(details only for invalid input: where and what). Handlers here turn FastAPI's
validation errors, HTTP errors, the product's UserErrors and anything
unexpected into that shape.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from prakerja.errors import UserError
from prakerja.errors import UnknownId
from recommender.feedback import FeedbackConflict
from prakerja_api.serving import ModelUnavailable

log = logging.getLogger("prakerja.service")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_input",
    429: "rate_limited",
    500: "internal_error",
    413: "too_large",
    503: "unavailable",
}


class ApiError(Exception):
    """An error with its HTTP status, raised by routes and dependencies."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error_response(status: int, message: str, details: list | None = None, headers: dict | None = None) -> JSONResponse:
    body = {"error": CODES.get(status, "error"), "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse(body, status_code=status, headers=headers)


def _location(loc) -> str:
    return ".".join(str(part) for part in loc)


def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
    details = [{"location": _location(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in exc.errors()]
    summary = "; ".join(f"{d['location']}: {d['message']}" for d in details[:5])
    return error_response(422, f"invalid input: {summary}", details)


def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
    if exc.status_code == 404 and message == "Not Found":
        message = "no such endpoint; see /docs for the API"
    return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))


def _api(_request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.message, headers=exc.headers)


def _user(_request: Request, exc: UserError) -> JSONResponse:
    if isinstance(exc, UnknownId):
        return error_response(404, str(exc))
    if isinstance(exc, FeedbackConflict):
        return error_response(409, str(exc))
    if isinstance(exc, ModelUnavailable):
        return error_response(503, str(exc))
    return error_response(422, str(exc))


#: Seconds a client is asked to wait after a database error (a restart or failover takes a few).
DATABASE_RETRY_AFTER = 5


def _database(request: Request, exc: Exception) -> JSONResponse:
    """Any error raised by the database or its drivers: 503 with Retry-After, never 500.

    SQLAlchemy's errors (``DBAPIError`` and its subclasses, a pool timeout) and
    psycopg's own (the asyncio read pool is plain psycopg): the server went
    away, restarted or is overloaded, which the client can only wait out.
    """
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.warning("database error on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__,
                reason[0] if reason else "")
    return error_response(503, "the database is unavailable; try again shortly",
                          headers={"Retry-After": str(DATABASE_RETRY_AFTER)})


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, f"internal error ({type(exc).__name__}); the server log has the details")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(ApiError, _api)
    app.add_exception_handler(UserError, _user)
    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(PoolTimeout, _database)
    try:
        import psycopg
    except ImportError:  # SQLite-only installation
        pass
    else:
        app.add_exception_handler(psycopg.Error, _database)
    app.add_exception_handler(Exception, _unexpected)
