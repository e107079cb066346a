"""Which zones a viewer sees a time in: their own, with the other side's home zone beside it."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .models import Tour, User
from .permissions import institution_of, tandem_of

# Places people recognise, rather than zone identifiers.
ZONE_PLACES = {
    "Europe/Berlin": _("Berlin"),
    "Asia/Shanghai": _("Shanghai"),
    "UTC": _("UTC"),
}


def place_of(zone: zoneinfo.ZoneInfo | str) -> str:
    key = getattr(zone, "key", str(zone))
    return str(ZONE_PLACES.get(key, key.rsplit("/", 1)[-1].replace("_", " ")))


@dataclass(frozen=True)
class ViewerZones:
    own: zoneinfo.ZoneInfo
    other: zoneinfo.ZoneInfo | None


def zones_for(user: User, tour: Tour | None) -> ViewerZones:
    """Tandem members see the partners' home zone beside their own, partners the tandems';
    a visitor sees the tour's two home zones."""
    tandem_zone = tour.tandem_time_zone if tour else "Europe/Berlin"
    partner_zone = tour.partner_time_zone if tour else "Asia/Shanghai"
    if not user.is_authenticated:
        own, other = tandem_zone, partner_zone
    elif tandem_of(user, tour) is not None:
        own, other = user.time_zone, partner_zone
    elif institution_of(user, tour) is not None:
        own, other = user.time_zone, tandem_zone
    else:
        own = user.time_zone
        other = partner_zone if own != partner_zone else tandem_zone
    return ViewerZones(zoneinfo.ZoneInfo(own), None if other == own else zoneinfo.ZoneInfo(other))


@dataclass(frozen=True)
class ShownTime:
    utc: datetime
    date: str
    time: str
    zone: str
    other_time: str | None
    other_date: str | None
    other_place: str | None


def show_time(moment: datetime, zones: ViewerZones) -> ShownTime:
    """``moment`` in the viewer's zone, and in the other zone (with its date if that differs)."""
    local = moment.astimezone(zones.own)
    other_time = other_date = other_place = None
    if zones.other is not None:
        there = moment.astimezone(zones.other)
        other_time = there.strftime("%H:%M")
        other_place = place_of(zones.other)
        if there.date() != local.date():
            other_date = formats.date_format(there, "SHORT_DATE_FORMAT")
    return ShownTime(
        utc=moment,
        date=formats.date_format(local, "SHORT_DATE_FORMAT"),
        time=local.strftime("%H:%M"),
        zone=place_of(zones.own),
        other_time=other_time,
        other_date=other_date,
        other_place=other_place,
    )
