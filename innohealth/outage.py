"""Remember that Redis failed to answer, so the portal stops waiting on it for a while.

Without this every cache lookup and every queued e-mail of a request would wait out the socket
timeout on its own while Redis is frozen. After one failure the callers skip Redis for
``REDIS_RETRY_SECONDS`` (the cache answers from memory, e-mails are left to the outbox sweeper);
an outage is logged once when it starts and once when it ends.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

logger = logging.getLogger("innohealth.redis")


class Outage:
    def __init__(self, what: str):
        self.what = what
        self._failed_at = -float("inf")
        self._down = False

    def ongoing(self) -> bool:
        """True while Redis failed recently: skip it instead of waiting for it."""
        return time.monotonic() < self._failed_at + settings.REDIS_RETRY_SECONDS

    def failed(self, error: Exception) -> None:
        if not self._down:
            logger.warning(
                "%s: Redis does not answer (%s); going on without it, trying again every %ss",
                self.what,
                error,
                settings.REDIS_RETRY_SECONDS,
            )
        self._down = True
        self._failed_at = time.monotonic()

    def answered(self) -> None:
        if self._down:
            logger.warning("%s: Redis answers again", self.what)
            self._down = False
            self._failed_at = -float("inf")
