"""Every write and state change of the domain. Views, admin actions, tasks and commands call these."""

from .errors import DomainError

__all__ = ["DomainError"]
