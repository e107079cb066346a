"""The organisers' admin site, one module per subject. Status changes go through the services,
never through a field; ``base`` holds what the modules share. Importing a module registers its
admin classes."""

from . import (  # noqa: F401
    agenda,
    followups,
    log,
    mail,
    outcomes,
    people,
    registrations,
    requests,
    scheduling,
)
