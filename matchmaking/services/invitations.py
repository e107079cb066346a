"""Invitations: create (one by one or from a CSV/Excel file), resend, revoke, accept.

The link is a signed token (``tokens.invitation_token``) holding the invitation's id and a
nonce stored on the row: a forged or altered token fails the signature (404); resending changes the nonce, so
the older link stops working; accepting closes the invitation, so the link works once.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .. import notifications
from ..enums import Language, LogAction, MemberRole
from ..models import (
    Institution,
    Invitation,
    InvitationRole,
    InvitationStatus,
    Participation,
    Representative,
    Tandem,
    TandemMember,
    Tour,
    User,
)
from ..models.invitations import INVITATION_STATUS_IN_SENTENCE
from ..models.languages import localized
from ..permissions import is_organiser
from ..roles import ORGANISERS_GROUP
from ..tokens import BadToken, read_invitation_token
from .activity import acting_as, from_to, log_action
from .errors import DomainError
from .profiles import given_name
from .spreadsheets import bounded_rows

TANDEM_ROLES = (InvitationRole.RESEARCHER, InvitationRole.ENTREPRENEUR)


class InvalidInvitationToken(Exception):
    """The token was not made by us: answered with 404."""


class UnusableInvitation(DomainError):
    """A real invitation whose link no longer works. Its message stays lazy, so the page can
    tell it in the invitation's language rather than the browser's."""

    def __init__(self, message, invitation: Invitation):
        super().__init__(message)
        self.invitation = invitation


def _log(invitation: Invitation, actor: User | None, action: LogAction, from_status: str | None):
    log_action(
        actor=actor,
        obj=invitation,
        action=action,
        data={"status": from_to(from_status, invitation.status)},
    )


def _ensure_organiser(actor: User) -> None:
    if not is_organiser(actor):
        raise DomainError(_("Only organisers can do this."))


def _role_words(role: Participation) -> str:
    if role.tandem_id is not None:
        return _("a member of the tandem %(tandem)s") % {"tandem": role.tandem}
    return _("a representative of %(institution)s") % {"institution": role.institution}


def _same_role(role: Participation, kind: str, tandem: Tandem | None, institution) -> bool:
    if kind in TANDEM_ROLES:
        return role.tandem_id == getattr(tandem, "pk", None) and role.role == kind
    return role.institution_id == getattr(institution, "pk", None)


def role_problem(
    *,
    email: str,
    role: str,
    tour: Tour,
    tandem: Tandem | None,
    institution: Institution | None,
    user: User | None,
) -> str:
    """Why this role cannot be given in this tour, or ''. A person has one role per tour (their
    roles in other tours do not matter) and a tandem one researcher and one entrepreneur."""
    if role == InvitationRole.REPRESENTATIVE and not institution.tours.filter(pk=tour.pk).exists():
        return _("%(institution)s does not take part in %(tour)s.") % {
            "institution": institution,
            "tour": tour,
        }
    existing = Participation.objects.filter(user=user, tour=tour).first() if user else None
    if existing is not None and not _same_role(existing, role, tandem, institution):
        return _("%(email)s already takes part in %(tour)s as %(role)s.") % {
            "email": email,
            "tour": tour,
            "role": _role_words(existing),
        }
    if role in TANDEM_ROLES:
        researcher = role == InvitationRole.RESEARCHER
        holder = tandem.members.filter(role=role).exclude(user=user).select_related("user").first()
        if holder is not None:
            filled = (
                _("The tandem %(tandem)s already has a researcher: %(person)s.")
                if researcher
                else _("The tandem %(tandem)s already has an entrepreneur: %(person)s.")
            )
            return filled % {"tandem": tandem, "person": holder.user}
        invited = Invitation.objects.filter(
            tandem=tandem, role=role, status=InvitationStatus.OPEN
        ).exclude(email__iexact=email)
        if invited.exists():
            pending = (
                _("The researcher of the tandem %(tandem)s is already invited.")
                if researcher
                else _("The entrepreneur of the tandem %(tandem)s is already invited.")
            )
            return pending % {"tandem": tandem}
    return ""


def tour_of_invitation(
    role: str, tandem: Tandem | None, institution: Institution | None, tour: Tour | None
) -> Tour | None:
    """A tandem member joins the tandem's tour; a representative the tour given, or by default
    the institution's newest."""
    if role in TANDEM_ROLES and tandem is not None:
        return tandem.tour
    if role == InvitationRole.REPRESENTATIVE and institution is not None and tour is None:
        return institution.tours.order_by("-created_at").first()
    return tour if role == InvitationRole.REPRESENTATIVE else None


def home_zone(role: str, tour: Tour | None) -> str:
    """The zone a new person starts in: their side's in the tour they join (a partner the
    tour's partner zone, a tandem member its tandem zone), not the server's or the inviting
    organiser's. Organisers join no tour: the invitation's own default."""
    if tour is None:
        return Invitation._meta.get_field("time_zone").default
    if role == InvitationRole.REPRESENTATIVE:
        return tour.partner_time_zone
    return tour.tandem_time_zone


def check_invitation(
    *,
    email: str,
    role: str,
    tandem: Tandem | None,
    institution: Institution | None,
    language: str,
    tour: Tour | None = None,
) -> str:
    """The first reason this invitation cannot be made, or ''."""
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(email)s” is not a valid e-mail address.") % {"email": email}
    if role not in InvitationRole.values:
        return _("Unknown role “%(role)s”.") % {"role": role}
    if role in TANDEM_ROLES and tandem is None:
        return _("A tandem member needs a tandem.")
    if role == InvitationRole.REPRESENTATIVE and institution is None:
        return _("A partner representative needs an institution.")
    if language not in Language.values:
        return _("Unknown language “%(language)s”.") % {"language": language}
    if Invitation.objects.filter(email__iexact=email, status=InvitationStatus.OPEN).exists():
        return _("%(email)s already has an open invitation.") % {"email": email}
    if role == InvitationRole.ORGANISER:
        return ""
    tour = tour_of_invitation(role, tandem, institution, tour)
    if tour is None:
        return _("%(institution)s takes part in no tour yet.") % {"institution": institution}
    return role_problem(
        email=email,
        role=role,
        tour=tour,
        tandem=tandem,
        institution=institution,
        user=User.objects.filter(email__iexact=email).first(),
    )


def create_invitation(
    *,
    actor: User,
    email: str,
    name: str,
    role: str,
    tandem: Tandem | None = None,
    institution: Institution | None = None,
    language: str = Language.ENGLISH,
    time_zone: str = "",
    tour: Tour | None = None,
) -> Invitation:
    """Write the invitation and its e-mail in one transaction; the e-mail goes out after commit.
    Without a ``time_zone`` the person gets the home zone of the side they join in its tour."""
    _ensure_organiser(actor)
    email = (email or "").strip().lower()
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Please give the person's name."))
    problem = check_invitation(
        email=email,
        role=role,
        tandem=tandem,
        institution=institution,
        language=language,
        tour=tour,
    )
    if problem:
        raise DomainError(problem)
    invited_into = tour_of_invitation(role, tandem, institution, tour)
    if not time_zone:
        time_zone = home_zone(role, invited_into)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email,
                name=name,
                role=role,
                tandem=tandem if role in TANDEM_ROLES else None,
                institution=institution if role == InvitationRole.REPRESENTATIVE else None,
                tour=invited_into,
                language=language,
                time_zone=time_zone,
                nonce=secrets.token_hex(16),
                expires_at=timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS),
                invited_by=actor,
            )
            invitation.message = notifications.invitation(invitation)
            invitation.save(update_fields=["message"])
            _log(invitation, actor, LogAction.INVITE, None)
    except IntegrityError as exc:
        raise DomainError(
            _("%(email)s already has an open invitation.") % {"email": email}
        ) from exc
    return invitation


def _lock(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().get(pk=invitation.pk)


def resend_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working), a new expiry date, a new e-mail."""
    _ensure_organiser(actor)
    with transaction.atomic():
        invitation = _lock(invitation)
        if invitation.status != InvitationStatus.OPEN:
            raise DomainError(
                _("This invitation is %(status)s and cannot be sent again.")
                % {"status": INVITATION_STATUS_IN_SENTENCE[invitation.status]}
            )
        invitation.nonce = secrets.token_hex(16)
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
        invitation.message = notifications.invitation(invitation)
        invitation.save(update_fields=["nonce", "expires_at", "message"])
        _log(invitation, actor, LogAction.RESEND, invitation.status)
    return invitation


def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    _ensure_organiser(actor)
    with transaction.atomic():
        invitation = _lock(invitation)
        if invitation.status != InvitationStatus.OPEN:
            raise DomainError(_("Only an open invitation can be revoked."))
        invitation.status = InvitationStatus.REVOKED
        invitation.save(update_fields=["status"])
        _log(invitation, actor, LogAction.REVOKE, InvitationStatus.OPEN)
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to. Raises InvalidInvitationToken for a forged token and
    DomainError, with a message for the person, when the link cannot be used any more."""
    try:
        pk, nonce = read_invitation_token(token)
        invitation = Invitation.objects.select_related("tandem", "institution", "tour").get(pk=pk)
    except (BadToken, Invitation.DoesNotExist) as exc:
        raise InvalidInvitationToken from exc
    ensure_usable(invitation, nonce)
    return invitation


def ensure_usable(invitation: Invitation, nonce: str) -> None:
    if invitation.status == InvitationStatus.ACCEPTED:
        message = gettext_lazy(
            "This invitation has already been used. Please log in with your e-mail address."
        )
    elif invitation.status == InvitationStatus.REVOKED:
        message = gettext_lazy("This invitation has been withdrawn by the organisers.")
    elif invitation.nonce != nonce:
        message = gettext_lazy(
            "A newer invitation was sent to you; please use the link in the latest e-mail."
        )
    elif invitation.expires_at <= timezone.now():
        message = gettext_lazy(
            "This invitation has expired. Please ask the organisers to send a new one."
        )
    else:
        return
    raise UnusableInvitation(message, invitation)


def _give_role(user: User, invitation: Invitation) -> None:
    """Link the role to the account, in the invitation's tour; roles in other tours stay."""
    if invitation.role == InvitationRole.ORGANISER:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
        return
    tour = Tour.objects.select_for_update().get(pk=invitation.tour_id)
    problem = role_problem(
        email=user.email,
        role=invitation.role,
        tour=tour,
        tandem=invitation.tandem,
        institution=invitation.institution,
        user=user,
    )
    if problem:
        raise DomainError(problem)
    if invitation.role in TANDEM_ROLES:
        TandemMember.objects.get_or_create(
            user=user, tour=tour, defaults={"tandem": invitation.tandem, "role": invitation.role}
        )
    else:
        Representative.objects.get_or_create(
            user=user, tour=tour, defaults={"institution": invitation.institution}
        )


def accept_invitation(
    *, token: str, password: str | None = None, display_name: str | None = None
) -> User:
    """Follow the link: the account (new, or the existing one with this e-mail) gets the role,
    the e-mail counts as verified, the invitation is closed. A new account needs a password.
    ``display_name``: the name the person confirmed or gave (None: the invitation's, or the
    account's own); an account is never left without one."""
    invitation = invitation_from_token(token)
    if display_name is not None:
        display_name = given_name(display_name)
    user = None
    # Following the link proves who the person is: every change made here is theirs (the
    # system's until their account exists), whoever else is still logged in in this browser.
    with acting_as(lambda: user), transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        ensure_usable(invitation, read_invitation_token(token)[1])
        user = User.objects.filter(email__iexact=invitation.email).first()
        created = user is None
        if created:
            if not password:
                raise DomainError(_("Please choose a password."))
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                display_name=display_name or given_name(invitation.name),
                language=invitation.language,
                time_zone=invitation.time_zone,
            )
        if password and not created:
            user.set_password(password)
            user.save(update_fields=["password"])
        name = display_name or user.display_name or given_name(invitation.name)
        if name != user.display_name:
            user.display_name = name
            user.save(update_fields=["display_name"])
        _give_role(user, invitation)
        EmailAddress.objects.filter(Q(user=user) & ~Q(email__iexact=invitation.email)).update(
            primary=False
        )
        EmailAddress.objects.update_or_create(
            user=user,
            email__iexact=invitation.email,
            defaults={"email": invitation.email, "verified": True, "primary": True},
        )
        invitation.status = InvitationStatus.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["status", "accepted_at", "user"])
        _log(invitation, user, LogAction.ACCEPT, InvitationStatus.OPEN)
    return user


# --- import from a file -----------------------------------------------------------------------

COLUMNS = {
    "name": "name",
    "e-mail": "email",
    "email": "email",
    "role": "role",
    "institution or tandem": "organisation",
    "institution": "organisation",
    "tandem": "organisation",
    "organisation": "organisation",
    "language": "language",
    "tour": "tour",
}
# The columns as the import page names them in each language: a file written the way its help
# text says is read whatever language the organiser's admin speaks.
COLUMN_LABELS = {
    pgettext_lazy("import column", "name"): "name",
    pgettext_lazy("import column", "e-mail"): "email",
    pgettext_lazy("import column", "role"): "role",
    pgettext_lazy("import column", "institution or tandem"): "organisation",
    pgettext_lazy("import column", "institution"): "organisation",
    pgettext_lazy("import column", "tandem"): "organisation",
    pgettext_lazy("import column", "language"): "language",
    pgettext_lazy("import column", "tour"): "tour",
}
ROLE_WORDS = {
    "researcher": InvitationRole.RESEARCHER,
    "entrepreneur": InvitationRole.ENTREPRENEUR,
    "representative": InvitationRole.REPRESENTATIVE,
    "partner": InvitationRole.REPRESENTATIVE,
    "partner representative": InvitationRole.REPRESENTATIVE,
    "organiser": InvitationRole.ORGANISER,
    "organizer": InvitationRole.ORGANISER,
}
LANGUAGE_WORDS = {
    "en": Language.ENGLISH,
    "english": Language.ENGLISH,
    "de": Language.GERMAN,
    "german": Language.GERMAN,
    "deutsch": Language.GERMAN,
    "zh": Language.CHINESE,
    "zh-hans": Language.CHINESE,
    "chinese": Language.CHINESE,
    "chinesisch": Language.CHINESE,
    "中文": Language.CHINESE,
}


def _in_every_language(words: Mapping[str, str], labels: Mapping) -> dict[str, str]:
    """``words`` and the ``labels`` (lazy text → value) as each language writes them, lower-case."""
    found = dict(words)
    for code in Language.values:
        with translation.override(code):
            found.update({str(label).strip().lower(): value for label, value in labels.items()})
    return found


@cache
def column_words() -> dict[str, str]:
    return _in_every_language(COLUMNS, COLUMN_LABELS)


@cache
def role_words() -> dict[str, str]:
    """Roles as the admin's lists name them (the invitation's and the tandem member's)."""
    labels = {
        **{choice.label: choice.value for choice in InvitationRole},
        **{choice.label: InvitationRole(choice.value) for choice in MemberRole},
    }
    return _in_every_language(ROLE_WORDS, labels)


@cache
def language_words() -> dict[str, str]:
    return _in_every_language(LANGUAGE_WORDS, {choice.label: choice.value for choice in Language})


@dataclass
class ImportRow:
    line: int
    name: str
    email: str
    role: str
    organisation: str
    language: str
    tour_name: str = ""
    tour: Tour | None = None
    tandem: Tandem | None = None
    institution: Institution | None = None
    problems: list[str] = field(default_factory=list)


NAME_MAX_LENGTH = Invitation._meta.get_field("name").max_length
IMPORT_MAX_CELL_LENGTH = 1000


def _find_tour(row: ImportRow) -> None:
    """The optional tour column: a partner's role is for that tour (else the institution's
    newest), and a tandem of that name is looked for in it."""
    if not row.tour_name:
        return
    found = Tour.objects.filter(Q(name__iexact=row.tour_name) | Q(slug=row.tour_name))
    if found.count() == 1:
        row.tour = found.get()
    else:
        row.problems.append(_("No single tour is called “%(name)s”.") % {"name": row.tour_name})


def _find_organisation(row: ImportRow) -> None:
    if row.role in TANDEM_ROLES:
        found = Tandem.objects.filter(Q(name__iexact=row.organisation) | Q(slug=row.organisation))
        if row.tour is not None:
            found = found.filter(tour=row.tour)
        if found.count() == 1:
            row.tandem = found.get()
        else:
            row.problems.append(
                _("No single tandem is called “%(name)s”.") % {"name": row.organisation}
            )
    elif row.role == InvitationRole.REPRESENTATIVE:
        # By any of its names: each is unique in its language, whatever the case.
        named = Q(slug=row.organisation)
        for column in localized("name"):
            named |= Q(**{f"{column}__iexact": row.organisation})
        found = Institution.objects.filter(named)
        if found.count() == 1:
            row.institution = found.get()
        else:
            row.problems.append(
                _("No single institution is called “%(name)s”.") % {"name": row.organisation}
            )


def parse_invitation_file(filename: str, content: bytes) -> list[ImportRow]:
    """Every data row of the file, each with the reasons it cannot be imported (if any).

    Gives up with the row it reached when the file has more than
    ``INVITATION_IMPORT_MAX_ROWS`` rows or reading takes longer than
    ``INVITATION_IMPORT_MAX_SECONDS``."""
    header, parsed, seen = None, [], set()
    for line, cells in bounded_rows(filename, content):
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = _read_header(cells)
            continue
        parsed.append(_parse_row(line, header, cells, seen))
    if header is None:
        raise DomainError(_("The file is empty."))
    return parsed


def _parse_row(line: int, header: list[str], cells: list[str], seen: set[str]) -> ImportRow:
    """One data row with the reasons it cannot be imported; ``seen`` collects the addresses."""
    # A file may have both an institution and a tandem column (one filled per row): each value
    # is the first filled cell of its columns.
    values: dict[str, str] = {}
    for column, cell in zip(header, cells, strict=False):
        if not values.get(column):
            values[column] = cell.strip()
    row = ImportRow(
        line=line,
        name=values.get("name", ""),
        email=values.get("email", "").lower(),
        role=role_words().get(values.get("role", "").lower(), values.get("role", "")),
        organisation=values.get("organisation", ""),
        language=language_words().get(values.get("language", "").lower(), "")
        or values.get("language", ""),
        tour_name=values.get("tour", ""),
    )
    if any(len(cell) > IMPORT_MAX_CELL_LENGTH for cell in cells):
        row.problems.append(
            _("A cell is longer than %(limit)d characters.") % {"limit": IMPORT_MAX_CELL_LENGTH}
        )
        return row
    if not row.name:
        row.problems.append(_("The name is missing."))
    if len(row.name) > NAME_MAX_LENGTH:
        row.problems.append(
            _("The name is too long: at most %(limit)d characters.") % {"limit": NAME_MAX_LENGTH}
        )
    if any("\x00" in cell for cell in cells):
        # The database cannot store it, and looking up the organisation would fail.
        row.problems.append(_("A cell contains a character that is not allowed."))
        return row
    if row.email in seen:
        row.problems.append(_("This e-mail address appears twice in the file."))
    seen.add(row.email)
    _find_tour(row)
    _find_organisation(row)
    problem = check_invitation(
        email=row.email,
        role=row.role,
        tandem=row.tandem,
        institution=row.institution,
        language=row.language,
        tour=row.tour,
    )
    organisation_missing = (row.role in TANDEM_ROLES and row.tandem is None) or (
        row.role == InvitationRole.REPRESENTATIVE and row.institution is None
    )
    if problem and not organisation_missing:
        row.problems.append(problem)
    return row


def _read_header(cells: list[str]) -> list[str]:
    header = [column_words().get(cell.strip().lower(), "") for cell in cells]
    if {"name", "email", "role", "organisation", "language"} - set(header):
        raise DomainError(
            _(
                "The first row must name the columns: name, e-mail, role, institution or tandem, language."
            )
        )
    return header


def import_invitations(
    *, actor: User, rows: list[ImportRow], only_valid: bool = False
) -> list[Invitation]:
    """All rows or nothing: with bad rows nothing is imported, unless the organiser chose to
    import only the good ones."""
    _ensure_organiser(actor)
    if any(row.problems for row in rows) and not only_valid:
        raise DomainError(
            _("Nothing was imported: fix the rows listed below, or import only the valid rows.")
        )
    with transaction.atomic():
        return [
            create_invitation(
                actor=actor,
                email=row.email,
                name=row.name,
                role=row.role,
                tandem=row.tandem,
                institution=row.institution,
                language=row.language,
                tour=row.tour,
            )
            for row in rows
            if not row.problems
        ]
