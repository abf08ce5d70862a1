"""Errors a person can meet while setting up or loading data: one line, naming the fix."""


class SetupError(Exception):
    """The environment is not ready; the message says what is wrong and what to do."""
