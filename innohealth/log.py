import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedAsOneLine(logging.Filter):
    """A refused page is an everyday event (a stale bookmark, another side's request): one line
    saying which path, not a traceback that buries real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
