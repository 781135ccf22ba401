"""A tiny application factory for the worker tests: it answers which process served the request."""

import os

from fastapi import FastAPI


def create() -> FastAPI:
    app = FastAPI()

    @app.get("/pid")
    def pid() -> dict:
        return {"pid": os.getpid()}

    return app
