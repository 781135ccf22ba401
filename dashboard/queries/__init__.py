"""SQL-side aggregates for the dashboard pages: each function returns a small frame.

Every function takes an engine first and plain hashable arguments after it, so
that pages can cache it (``dashboard.session.cached``). Tables of people pass
through :func:`dashboard.queries.privacy.suppress_small_groups` before they
leave this package.
"""
