"""Errors a user can fix; the CLI prints them as one line, without a traceback."""


class UserError(Exception):
    """Something the operator did or gave that the product cannot use.

    The message says what is wrong and what to do.
    """


class DatabaseUnavailable(UserError):
    """The database URL is malformed or the server cannot be reached."""


class AlreadyInitialised(UserError):
    """``init`` was asked to write data that is already there."""


class UnknownId(UserError):
    """A participant or vacancy id that does not exist (the HTTP API answers 404)."""
