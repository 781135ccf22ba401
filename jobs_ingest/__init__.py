"""jobs_ingest."""
