class DomainError(Exception):
    """A rule of the domain refused a change; the message is meant for the person who tried."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
