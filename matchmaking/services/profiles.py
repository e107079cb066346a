"""Profile edits: a tandem's own profile, an institution's profile, a person's preferences."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..enums import Language, LogAction, Seeking
from ..models import Institution, Tandem, Topic, Tour, User
from ..models.languages import localized
from ..models.refusals import refusal_of
from ..permissions import is_organiser, represents, tandem_of, tours_of
from .activity import from_to, log_action
from .errors import DomainError

# Each translated field in every language (``summary_en``, ``summary_de``, ``summary_zh_hans``).
TANDEM_TEXT_FIELDS = (*localized("project_title"), *localized("summary"))
INSTITUTION_TEXT_FIELDS = (
    *localized("name"),
    *localized("city"),
    *localized("province"),
    "website",
    *localized("description"),
)


def _save(obj, *, actor: User, fields: dict, topics: list[Topic] | None) -> None:
    with transaction.atomic():
        changes = {name: from_to(getattr(obj, name), value) for name, value in fields.items()}
        for name, value in fields.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except ValidationError as error:
            # Reached only past the form (another partner took the name meanwhile, a caller
            # without a form): the same words the form would have shown.
            raise DomainError(" ".join(error.messages)) from error
        try:
            obj.save(update_fields=list(fields))
        except IntegrityError as error:
            # Two partners taking one name at the same instant both pass the check above; the
            # database's unique name per language refuses the second.
            raise DomainError(refusal_of(error)) from error
        if topics is not None:
            before = sorted(str(t) for t in obj.topics.all())
            obj.topics.set(topics)
            changes["topics"] = from_to(before, sorted(str(t) for t in topics))
        changes = {name: c for name, c in changes.items() if c["from"] != c["to"]}
        log_action(actor=actor, obj=obj, action=LogAction.EDIT_PROFILE, data={"fields": changes})


def update_tandem_profile(
    *, actor: User, tandem: Tandem, fields: dict, topics: list[Topic], seeks: list[str]
) -> Tandem:
    """A member edits their own tandem's profile (organisers use the admin site)."""
    own = tandem_of(actor, tandem.tour_id)
    if (own is None or own.pk != tandem.pk) and not is_organiser(actor):
        raise DomainError(_("You can only edit your own tandem's profile."))
    unknown = set(fields) - set(TANDEM_TEXT_FIELDS)
    if unknown or any(s not in Seeking.values for s in seeks):
        raise DomainError(_("Some of the submitted values are not allowed."))
    _save(
        tandem,
        actor=actor,
        fields={**fields, "seeks": list(dict.fromkeys(seeks))},
        topics=topics,
    )
    return tandem


def update_institution_profile(
    *, actor: User, institution: Institution, fields: dict, topics: list[Topic]
) -> Institution:
    """Any representative of the institution may keep its profile up to date."""
    if not represents(actor, institution) and not is_organiser(actor):
        raise DomainError(_("You can only edit your own institution's profile."))
    if set(fields) - set(INSTITUTION_TEXT_FIELDS):
        raise DomainError(_("Some of the submitted values are not allowed."))
    _save(institution, actor=actor, fields=fields, topics=topics)
    return institution


def given_name(display_name: str) -> str:
    """The name a person gives for the other side to read; refused when empty."""
    name = display_name.strip()[:120]
    if not name:
        raise DomainError(_("Please give your name: the other side sees it, not your e-mail."))
    return name


def update_preferences(
    *, actor: User, user: User, display_name: str | None = None, language: str, time_zone: str
) -> User:
    """A person chooses the language and time zone the portal shows them."""
    if actor.pk != user.pk:
        raise DomainError(_("You can only change your own preferences."))
    if language not in Language.values:
        raise DomainError(_("This language is not offered."))
    if time_zone not in zoneinfo.available_timezones():
        raise DomainError(_("“%(zone)s” is not a known time zone.") % {"zone": time_zone})
    fields = {"language": language, "time_zone": time_zone}
    if display_name is not None:
        fields["display_name"] = given_name(display_name)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(fields))
    return user


def set_language(*, user: User, language: str) -> User:
    """The language switcher: remembered on the profile so e-mails use it too."""
    if language not in Language.values:
        raise DomainError(_("This language is not offered."))
    user.language = language
    user.save(update_fields=["language"])
    return user


def choose_tour(*, user: User, tour: Tour) -> Tour:
    """The tour switcher: the tour the person works in from now on, on every device."""
    if not tours_of(user).filter(pk=tour.pk).exists():
        raise DomainError(_("You do not take part in this tour."))
    if user.chosen_tour_id != tour.pk:
        user.chosen_tour = tour
        user.save(update_fields=["chosen_tour"])
    user._current_tour = tour
    return tour
