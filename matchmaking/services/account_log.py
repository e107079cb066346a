"""Every change to a person's account is logged, whichever path made it (the admin, allauth, an
invitation, shell code): model signals compare the row before and after the save. The actor is
the person behind the current request, or the system."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from allauth.account import signals as allauth_signals
from django.contrib.auth.hashers import is_password_usable
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from ..enums import LogAction
from ..models import User
from .activity import current_actor, from_to, log_action

# Logged with their old and new values; the password only as "changed", never its hash.
ACCESS_FIELDS = ("email", "is_active", "is_staff", "is_superuser")

# allauth names the way a password changed (changed, set, reset by link) in a signal sent after
# the save; while it saves, the model signal leaves the password to that one.
_allauth_saving_password: ContextVar[bool] = ContextVar("allauth_saving_password", default=False)


@contextmanager
def password_saved_by_allauth():
    token = _allauth_saving_password.set(True)
    try:
        yield
    finally:
        _allauth_saving_password.reset(token)


def _password_changed(user: User, old_hash: str) -> bool:
    if user.password == old_hash:
        return False
    # A hash upgraded at login keeps the password: Django saves it without a new raw password.
    return (
        user._password is not None
        or not user.has_usable_password()
        or not is_password_usable(old_hash)
    )


@receiver(pre_save, sender=User, dispatch_uid="account_log_before")
def _remember_before(sender, instance: User, raw: bool, update_fields, **kwargs) -> None:
    instance._log_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {*ACCESS_FIELDS, "password"} & set(update_fields):
        return  # e.g. last_login at every login
    instance._log_before = (
        User.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS, "password").first()
    )


@receiver(post_save, sender=User, dispatch_uid="account_log_after")
def _log_user_save(sender, instance: User, created: bool, raw: bool, **kwargs) -> None:
    if raw:
        return
    actor = current_actor()
    if created:
        data = {name: getattr(instance, name) for name in ACCESS_FIELDS}
        log_action(actor=actor, obj=instance, action=LogAction.CREATE, data=data)
        return
    before = instance.__dict__.pop("_log_before", None)
    if before is None:
        return
    changes = {
        name: from_to(before[name], getattr(instance, name))
        for name in ACCESS_FIELDS
        if before[name] != getattr(instance, name)
    }
    if changes:
        log_action(actor=actor, obj=instance, action=LogAction.CHANGE, data=changes)
    if _password_changed(instance, before["password"]) and not _allauth_saving_password.get():
        log_action(
            actor=actor,
            obj=instance,
            action=LogAction.PASSWORD_CHANGE,
            data={
                "usable": from_to(
                    is_password_usable(before["password"]), instance.has_usable_password()
                )
            },
        )


def _allauth_receiver(action: LogAction):
    def log_password(sender, request, user: User, **kwargs) -> None:
        # The person who knew the old password or followed the reset link.
        log_action(actor=user, obj=user, action=action)

    return log_password


for _signal, _action in (
    (allauth_signals.password_changed, LogAction.PASSWORD_CHANGE),
    (allauth_signals.password_set, LogAction.PASSWORD_SET),
    (allauth_signals.password_reset, LogAction.PASSWORD_RESET),
):
    _signal.connect(_allauth_receiver(_action), weak=False, dispatch_uid=f"account_log_{_action}")


# --- groups and permissions -------------------------------------------------------------------

_M2M = {
    "groups": (LogAction.GROUPS, "group__name"),
    "user_permissions": (LogAction.PERMISSIONS, "permission__codename"),
}


def _field_of(through) -> str | None:
    for name in _M2M:
        if getattr(User, name).through is through:
            return name
    return None


def _held(through, column: str, user_ids) -> dict[int, list[str]]:
    held: dict[int, list[str]] = {pk: [] for pk in user_ids}
    for user_id, name in (
        through.objects.filter(user_id__in=user_ids).order_by(column).values_list("user_id", column)
    ):
        held[user_id].append(name)
    return held


def _users_touched(sender, instance, reverse: bool, column: str, pk_set) -> list[int]:
    if not reverse:
        return [instance.pk]
    if pk_set is not None:
        return list(pk_set)
    other = sender._meta.get_field(column.split("__")[0]).attname  # a group cleared of everyone
    return list(sender.objects.filter(**{other: instance.pk}).values_list("user_id", flat=True))


@receiver(m2m_changed, dispatch_uid="account_log_m2m")
def _log_access_m2m(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    field = _field_of(sender)
    if field is None or action.split("_")[1] not in ("add", "remove", "clear"):
        return
    log_as, column = _M2M[field]
    if action.startswith("pre_"):
        user_ids = _users_touched(sender, instance, reverse, column, pk_set)
        instance._log_m2m_before = _held(sender, column, user_ids)
        return
    before = instance.__dict__.pop("_log_m2m_before", {})
    after = _held(sender, column, list(before))
    changed = [pk for pk in before if before[pk] != after[pk]]
    if not changed:
        return
    actor = current_actor()
    for user in [instance] if not reverse else User.objects.filter(pk__in=changed):
        log_action(
            actor=actor,
            obj=user,
            action=log_as,
            data={field: from_to(before[user.pk], after[user.pk])},
        )
