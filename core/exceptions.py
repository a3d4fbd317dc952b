"""Errors a user can read. Services raise these (or Django's ValidationError); each edge (API
handler, HTML view, job runner) turns them into its own response with the same code and message."""


class ApplicationError(Exception):
    """An expected failure with a translated message; `code` is stable for API clients."""

    def __init__(self, message: str, *, code: str = "error", status: int = 400, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extra = extra or {}
