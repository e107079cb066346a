"""Whose cached roles must be read afresh: ``permissions.roles_of`` keeps a person's roles in the
cache under their ``User.roles_version``, and every change to a row it reads raises that number
for the people concerned, whichever path made the change (the admin, a service, an import, shell
code): model signals here, ``User.objects.renew_roles`` where a queryset update bypasses them.

The number is raised after the change (in its transaction, when there is one), never before: a
page that reads the old number meanwhile can only keep the old or the new roles under the old
number, which nobody asks for again once the change is committed; a copy in Redis that outlived
an outage is never taken for the present roles either. Only a database restored from a backup
counts from lower numbers again: `make restore` forgets every kept copy (``forget_kept_roles``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from ..models import Institution, Participation, SupportingOffice, Tandem, Tour, User


def members_of(**participation_filter) -> QuerySet:
    """The ids of the people with a role matching the filter (e.g. ``tour=tour``)."""
    return Participation.objects.filter(**participation_filter).values("user_id")


def office_people(offices: QuerySet | Iterable[SupportingOffice]) -> QuerySet:
    return SupportingOffice.people.through.objects.filter(supportingoffice__in=offices).values(
        "user_id"
    )


# --- a role itself ------------------------------------------------------------------------------


def _participation_before(sender, instance: Participation, raw: bool, **_kw) -> None:
    # A role moved to another person (the admin allows it) concerns the one who had it, too.
    instance._user_before = None
    if not raw and instance.pk is not None:
        instance._user_before = (
            Participation.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        )


def _participation_changed(sender, instance: Participation, **_kw) -> None:
    User.objects.renew_roles([instance.user_id, getattr(instance, "_user_before", None)])


# --- the rows a role brings along ---------------------------------------------------------------


def _tour_changed(sender, instance: Tour, **_kw) -> None:
    User.objects.renew_roles(members_of(tour=instance))


def _tour_leaving(sender, instance: Tour, **_kw) -> None:
    # The offices supporting it lose it with the row (its m2m rows go without a signal).
    instance._office_people = list(office_people(instance.supporting_offices.all()))


def _tour_deleted(sender, instance: Tour, **_kw) -> None:
    User.objects.renew_roles(row["user_id"] for row in getattr(instance, "_office_people", []))


def _tandem_changed(sender, instance: Tandem, **_kw) -> None:
    User.objects.renew_roles(members_of(tandem=instance))


def _institution_changed(sender, instance: Institution, **_kw) -> None:
    User.objects.renew_roles(members_of(institution=instance))


# --- supporting offices (whether a person sees a tour's pipeline) -------------------------------


def _office_leaving(sender, instance: SupportingOffice, **_kw) -> None:
    instance._office_people = list(instance.people.values_list("pk", flat=True))


def _office_deleted(sender, instance: SupportingOffice, **_kw) -> None:
    User.objects.renew_roles(getattr(instance, "_office_people", []))


def _office_people_changed(sender, instance, action: str, reverse: bool, pk_set, **_kw) -> None:
    if reverse:  # from the person's side: only they are concerned
        if action in ("post_add", "post_remove", "post_clear"):
            User.objects.renew_roles([instance.pk])
        return
    if action == "pre_clear":
        instance._office_people = list(instance.people.values_list("pk", flat=True))
    elif action == "post_clear":
        User.objects.renew_roles(getattr(instance, "_office_people", []))
    elif action in ("post_add", "post_remove"):
        User.objects.renew_roles(pk_set or [])


def _office_tours_changed(sender, instance, action: str, reverse: bool, pk_set, **_kw) -> None:
    # Every person of the offices concerned: from a tour's side, those added or removed.
    if action == "pre_clear":
        offices = [instance] if not reverse else list(instance.supporting_offices.all())
        instance._office_people = list(office_people(offices))
    elif action == "post_clear":
        User.objects.renew_roles(row["user_id"] for row in getattr(instance, "_office_people", []))
    elif action in ("post_add", "post_remove"):
        offices = (
            [instance] if not reverse else SupportingOffice.objects.filter(pk__in=pk_set or [])
        )
        User.objects.renew_roles(office_people(offices))


def connect() -> None:
    """Called once from the app's ``ready``."""
    for model in (Participation, *Participation.__subclasses__()):
        pre_save.connect(_participation_before, sender=model, dispatch_uid=f"roles_{model}")
        post_save.connect(_participation_changed, sender=model, dispatch_uid=f"roles_{model}")
        post_delete.connect(_participation_changed, sender=model, dispatch_uid=f"roles_{model}")
    for model, changed in ((Tour, _tour_changed), (Tandem, _tandem_changed)):
        post_save.connect(changed, sender=model, dispatch_uid="roles")
    post_save.connect(_institution_changed, sender=Institution, dispatch_uid="roles")
    # A deleted tour, tandem or institution takes its roles along: their own signals renew them.
    pre_delete.connect(_tour_leaving, sender=Tour, dispatch_uid="roles")
    post_delete.connect(_tour_deleted, sender=Tour, dispatch_uid="roles")
    pre_delete.connect(_office_leaving, sender=SupportingOffice, dispatch_uid="roles")
    post_delete.connect(_office_deleted, sender=SupportingOffice, dispatch_uid="roles")
    m2m_changed.connect(
        _office_people_changed, sender=SupportingOffice.people.through, dispatch_uid="roles"
    )
    m2m_changed.connect(
        _office_tours_changed, sender=SupportingOffice.tours.through, dispatch_uid="roles"
    )
