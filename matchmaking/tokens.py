"""Signed tokens (django.core.signing): the invitation link and the one-click unsubscribe link.
A leaf: it imports nothing of the app, so services, notifications and views may all use it
without a loop.

A forged or altered token raises ``BadToken``; what a valid token points to (does the
invitation still exist, is it still open) is for the caller to decide.
"""

from __future__ import annotations

from django.core import signing

INVITATION_SALT = "matchmaking.invitation"
UNSUBSCRIBE_SALT = "matchmaking.unsubscribe"


class BadToken(Exception):
    """The token was not made by us, or not for this purpose."""


def _read(token: str, salt: str, id_key: str, text_key: str) -> tuple[int, str]:
    try:
        data = signing.loads(token, salt=salt)
        return int(data[id_key]), str(data[text_key])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadToken from exc


def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def read_invitation_token(token: str) -> tuple[int, str]:
    """The invitation's id and the nonce the link was made with."""
    return _read(token, INVITATION_SALT, "i", "n")


def unsubscribe_token(user, preference: str) -> str:
    return signing.dumps({"u": user.pk, "p": preference}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The user's id and the preference the link switches off."""
    return _read(token, UNSUBSCRIBE_SALT, "u", "p")
