"""The one exception the export raises, with a message fit for the user."""


class ExportError(Exception):
    """The PDF could not be made. ``str(error)`` says why and what to do (Chinese
    first, then English), so a view can show it as is."""

    def __init__(self, message: str, *, code: str = "export-failed") -> None:
        super().__init__(message)
        self.code = code
