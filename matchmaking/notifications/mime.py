"""An outbox row becomes the e-mail in the recipient's language and time zone: text, HTML and,
for meetings and sessions, the calendar entry."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..models import Invitation, OutboxMessage, Tour
from ..timezones import ViewerZones, zones_for
from .kinds import KINDS
from .links import invitation_link, portal_url, unsubscribe_link


class CalendarEmail(EmailMultiAlternatives):
    """Text, HTML and a text/calendar alternative whose ``method=`` is the file's METHOD
    (Outlook rejects the entry otherwise); the same file is attached as invite.ics."""

    def __init__(self, *args, ics: str = "", method: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.ics, self.method = ics, method
        if ics:
            self.attach("invite.ics", ics.encode(), "application/ics")

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if self.ics:
            part = MIMEText(self.ics, "calendar", "utf-8")
            part.set_param("method", self.method)
            msg.attach(part)
        return msg


def _times(span: list[str]) -> tuple[datetime, datetime] | None:
    return (datetime.fromisoformat(span[0]), datetime.fromisoformat(span[1])) if span else None


def _viewer_zones(message: OutboxMessage) -> ViewerZones:
    """The reader's zone, and the other side's home zone beside it when the e-mail is about
    something of a tour (the same pair the portal shows them)."""
    if message.recipient is not None and message.context.get("tour_id"):
        tour = Tour.objects.filter(pk=message.context["tour_id"]).first()
        if tour is not None:
            return zones_for(message.recipient, tour)
    return ViewerZones(zoneinfo.ZoneInfo(message.time_zone), None)


def _template_context(message: OutboxMessage) -> dict:
    context = dict(message.context)
    for key, value in message.context.items():
        if key.endswith(("_at", "_since")) and value:
            context[key] = datetime.fromisoformat(value)
        elif key.endswith("_on") and value:
            context[key] = date.fromisoformat(value)
    if "preferred_times" in context:
        context["preferred_times"] = [_times(span) for span in context["preferred_times"]]
        context["proposal"] = _times(context["proposal"])
    context["viewer_zones"] = _viewer_zones(message)
    # Names and titles written in every language when the row was queued (messages.py).
    translated = context.pop("translated", {})
    context.update(translated.get(message.language) or translated.get("en", {}))
    recipient = message.recipient
    context["recipient_name"] = (
        context.get("name") or (str(recipient) if recipient else "") or message.email
    )
    context["site_url"] = settings.SITE_URL
    context["time_zone"] = message.time_zone
    if message.kind == "invitation":
        invitation = Invitation.objects.select_related("tandem", "institution", "tour").get(
            pk=context["invitation_id"]
        )
        # A returning person is told which edition the new role is for.
        party = invitation.tandem or invitation.institution
        context.update(
            invitation=invitation,
            url=invitation_link(invitation),
            role=invitation.get_role_display(),
            organisation=", ".join(str(x) for x in (party, invitation.tour) if x is not None),
        )
    preference = KINDS[message.kind].preference
    if preference and recipient is not None:
        context["unsubscribe_url"] = unsubscribe_link(recipient, preference)
        context["preferences_url"] = portal_url("notification_preferences")
    return context


def build_email(message: OutboxMessage) -> CalendarEmail:
    kind = KINDS[message.kind]
    with (
        translation.override(message.language),
        timezone.override(zoneinfo.ZoneInfo(message.time_zone)),
    ):
        context = _template_context(message)  # labels such as the role in this language
        subject = " ".join(render_to_string(kind.template("subject.txt"), context).split())
        text = render_to_string(kind.template("body.txt"), context)
        html = render_to_string(kind.template("body.html"), context)
    headers = {"Message-ID": message.message_id, "Content-Language": message.language}
    if "unsubscribe_url" in context:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = CalendarEmail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=[message.email],
        headers=headers,
        ics=message.ics,
        method=message.ics_method,
    )
    email.attach_alternative(html, "text/html")
    return email
