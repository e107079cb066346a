"""Time zones by the places people know them by ("Berlin", not "Europe/Berlin"), and a moment
written with its zone and the other home zone beside it. A leaf the models may use for their
names (``Meeting.__str__``); ``timezones`` builds the viewer's zones on it."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The two home zones of every tour, offered first.
HOME_ZONES = ("Europe/Berlin", "Asia/Shanghai")
# Places people recognise, rather than zone identifiers; also the zones a person may choose.
ZONE_PLACES = {
    "Europe/Berlin": _("Berlin"),
    "Asia/Shanghai": _("Shanghai"),
    "UTC": _("UTC"),
    "Europe/London": _("London"),
    "Europe/Paris": _("Paris"),
    "Europe/Zurich": _("Zurich"),
    "Europe/Vienna": _("Vienna"),
    "Europe/Helsinki": _("Helsinki"),
    "Europe/Moscow": _("Moscow"),
    "Asia/Dubai": _("Dubai"),
    "Asia/Kolkata": _("Kolkata"),
    "Asia/Singapore": _("Singapore"),
    "Asia/Hong_Kong": _("Hong Kong"),
    "Asia/Taipei": _("Taipei"),
    "Asia/Tokyo": _("Tokyo"),
    "Asia/Seoul": _("Seoul"),
    "Australia/Sydney": _("Sydney"),
    "America/New_York": _("New York"),
    "America/Chicago": _("Chicago"),
    "America/Los_Angeles": _("Los Angeles"),
    "America/Sao_Paulo": _("São Paulo"),
}


def place_of(zone: zoneinfo.ZoneInfo | str) -> str:
    key = getattr(zone, "key", str(zone))
    return str(ZONE_PLACES.get(key, key.rsplit("/", 1)[-1].replace("_", " ")))


def other_home_zone(own: str, tandem_zone: str, partner_zone: str) -> str | None:
    """The home zone shown beside ``own``: the partners' one, or the tandems' for a reader in
    the partners' zone; None when they are the same."""
    other = partner_zone if own != partner_zone else tandem_zone
    return None if other == own else other


def at_local(
    moment: datetime, tandem_zone: str = HOME_ZONES[0], partner_zone: str = HOME_ZONES[1]
) -> str:
    """A moment as an object's name gives it: "2027-03-22 08:00 Berlin (15:00 Shanghai)" — in
    the zone active for the reader (the organiser's own in the admin), named, and in the other
    home zone beside it."""
    own = timezone.get_current_timezone()
    local = timezone.localtime(moment, own)
    text = f"{local:%Y-%m-%d %H:%M} {place_of(own)}"
    other = other_home_zone(getattr(own, "key", str(own)), tandem_zone, partner_zone)
    if other is None:
        return text
    there = moment.astimezone(zoneinfo.ZoneInfo(other))
    when = f"{there:%H:%M}" if there.date() == local.date() else f"{there:%Y-%m-%d %H:%M}"
    return f"{text} ({when} {place_of(other)})"
