"""Errors a person can meet while setting up or loading data: one line, naming the fix."""


class SetupError(Exception):
    """The environment is not ready; the message says what is wrong and what to do."""


class LoadError(Exception):
    """A data load was refused as a whole; the message says what is wrong and what to do."""
