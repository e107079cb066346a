"""Which zones a viewer sees a time in: their own, with the other side's home zone beside it."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.utils import formats
from django.utils.translation import get_language, gettext

from .models import Tour, User
from .permissions import institution_of, tandem_of
from .places import HOME_ZONES, ZONE_PLACES, other_home_zone, place_of


@lru_cache(maxsize=4096)
def _short_date(day: date, language: str | None) -> str:
    # Called with ``language`` active: the same day in the same language reads the same.
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def zone_choices(current: str = "") -> list:
    """Berlin and Shanghai first, then the other places by their name in the reader's language.
    A zone set before (by the organisers, or an older choice) stays choosable."""
    others = sorted((key for key in ZONE_PLACES if key not in HOME_ZONES), key=place_of)
    choices = [(key, place_of(key)) for key in HOME_ZONES]
    choices.append((gettext("Other places"), [(key, place_of(key)) for key in others]))
    if current not in ZONE_PLACES and current in zoneinfo.available_timezones():
        choices.append((current, place_of(current)))
    return choices


@dataclass(frozen=True)
class ViewerZones:
    own: zoneinfo.ZoneInfo
    other: zoneinfo.ZoneInfo | None


def zones_for(user: User, tour: Tour | None) -> ViewerZones:
    """Tandem members see the partners' home zone beside their own, partners the tandems';
    a visitor sees the tour's two home zones, the partners' first when reading Chinese (the
    public programme is where partners not yet invited look at the tour)."""
    tandem_zone = tour.tandem_time_zone if tour else "Europe/Berlin"
    partner_zone = tour.partner_time_zone if tour else "Asia/Shanghai"
    if not user.is_authenticated:
        own, other = tandem_zone, partner_zone
        if get_language() == "zh-hans":
            own, other = other, own
    elif tandem_of(user, tour) is not None:
        own, other = user.time_zone, partner_zone
    elif institution_of(user, tour) is not None:
        own, other = user.time_zone, tandem_zone
    else:
        return zones_beside(user.time_zone, tour)
    return ViewerZones(zoneinfo.ZoneInfo(own), None if other == own else zoneinfo.ZoneInfo(other))


def zones_beside(own: str, tour: Tour | None) -> ViewerZones:
    """A reader in ``own`` zone (an organiser) sees the tour's other home zone beside it; with
    no tour, the usual two home zones."""
    tandem_zone, partner_zone = (
        (tour.tandem_time_zone, tour.partner_time_zone) if tour is not None else HOME_ZONES
    )
    other = other_home_zone(own, tandem_zone, partner_zone)
    return ViewerZones(zoneinfo.ZoneInfo(own), zoneinfo.ZoneInfo(other) if other else None)


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
            other_date = _short_date(there.date(), get_language())
    return ShownTime(
        utc=moment,
        date=_short_date(local.date(), get_language()),
        time=local.strftime("%H:%M"),
        zone=place_of(zones.own),
        other_time=other_time,
        other_date=other_date,
        other_place=other_place,
    )


def day_name(day: date | datetime) -> str:
    """A day as each language writes it: "Thursday, 25 March 2027", "星期四, 2027年3月25日"."""
    return gettext("%(weekday)s, %(date)s") % {
        "weekday": formats.date_format(day, "l"),
        "date": formats.date_format(day, "DATE_FORMAT"),
    }


def by_day(items: list, zones: ViewerZones) -> list[tuple[date, list]]:
    """Items in time order under the day they start on in the viewer's zone."""
    days: dict[date, list] = {}
    for item in items:
        days.setdefault(item.starts_at.astimezone(zones.own).date(), []).append(item)
    return list(days.items())


def _hours(start: datetime, end: datetime | None, zone: zoneinfo.ZoneInfo) -> tuple[datetime, str]:
    local = start.astimezone(zone)
    hours = local.strftime("%H:%M")
    if end is not None:
        hours += f"–{end.astimezone(zone):%H:%M}"
    return local, hours


def two_clocks(start: datetime, end: datetime | None, zones: ViewerZones) -> str:
    """A time as e-mails and calendar entries write it, in the active language: the day and
    hours in the reader's zone, the hours in the other side's home zone beside them — "Thursday,
    25 March 2027, 09:00–09:30 Berlin (16:00–16:30 Shanghai)", "2027年3月25日 星期四
    16:00–16:30 上海（柏林 09:00–09:30）". The order of the parts is the translation's."""
    local, own = _hours(start, end, zones.own)
    day = day_name(local)
    if zones.other is None:
        return gettext("%(day)s, %(time)s %(place)s") % {
            "day": day,
            "time": own,
            "place": place_of(zones.own),
        }
    there, other = _hours(start, end, zones.other)
    if there.date() != local.date():
        other = f"{formats.date_format(there, 'SHORT_DATE_FORMAT')} {other}"
    return gettext("%(day)s, %(time)s %(place)s (%(other_time)s %(other_place)s)") % {
        "day": day,
        "time": own,
        "place": place_of(zones.own),
        "other_time": other,
        "other_place": place_of(zones.other),
    }
