"""One error tree. Every message should tell a Product Owner what went wrong and what to do next."""

from __future__ import annotations


class BacklogsmithError(Exception):
    """Base of every error the tool raises on purpose; the CLI prints it as one line, no traceback."""

    exit_code = 1


class ConfigError(BacklogsmithError):
    """A setting is missing or invalid."""

    exit_code = 2


class IngestError(BacklogsmithError):
    """A source file could not be read; names the file and, when known, the row."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None):
        self.path = path
        self.row = row
        where = ""
        if path:
            where = f"{path}"
            if row is not None:
                where += f", row {row}"
            where += ": "
        super().__init__(f"{where}{message}")


class StorageError(BacklogsmithError):
    """The workspace database or index is unusable."""


class NotFoundError(BacklogsmithError):
    """An id given by the user does not exist."""


class LLMError(BacklogsmithError):
    """The LLM endpoint could not be reached or refused the request."""


class LLMOutputError(LLMError):
    """The LLM answered, but not with output that passes the contract, even after repair and retries."""


class QualityError(BacklogsmithError):
    """A story cannot be linted or does not meet the Definition of Ready."""


class ExportError(BacklogsmithError):
    """An export or tracker push failed."""


class ConflictError(BacklogsmithError):
    """Someone else changed the record since it was loaded (optimistic version check)."""


class AccessError(BacklogsmithError):
    """The signed-in person may not do this, or a folder is outside what the server may use."""

    exit_code = 2
