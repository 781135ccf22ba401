"""The recommendation service: a FastAPI HTTP API over the recommender, ingest and registry.

:func:`prakerja_api.app.create_app` builds the application; ``prakerja
serve`` runs it under uvicorn (docs/service.md).
"""
