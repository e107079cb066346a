from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models.languages import LANGUAGE_CODES, localized
from ..timezones import day_name, place_of, show_time, two_clocks
from ..wording import listed

register = template.Library()


def when_html(moment, zones, with_date=True):
    """A ``<time>`` in the viewer's zone, the other side's home zone beside it."""
    shown = show_time(moment, zones)
    own = f"{shown.date} {shown.time}" if with_date else shown.time
    html = format_html(
        '<time class="when" datetime="{}" data-zone="{}">{} <span class="zone">{}</span></time>',
        shown.utc.isoformat(),
        shown.zone,
        own,
        shown.zone,
    )
    if shown.other_time is None:
        return html
    other = f"{shown.other_date} {shown.other_time}" if shown.other_date else shown.other_time
    return html + format_html(
        ' <span class="other-zone" data-zone="{}">({} {})</span>',
        shown.other_place,
        other,
        shown.other_place,
    )


@register.simple_tag(takes_context=True)
def when(context, moment, with_date=True):
    """A time in the viewer's zone, the other side's home zone beside it."""
    if moment is None:
        return ""
    return when_html(moment, context["viewer_zones"], with_date)


@register.simple_tag(takes_context=True)
def hours(context, start, end):
    """Start and end on a day named above them (the schedule's day headings) in the viewer's
    zone, the other side's home zone beside them."""
    zones = context["viewer_zones"]
    first, last = show_time(start, zones), show_time(end, zones)
    html = format_html(
        '<time class="when" datetime="{}" data-zone="{}">{}–{} <span class="zone">{}</span></time>',
        start.isoformat(),
        first.zone,
        first.time,
        last.time,
        first.zone,
    )
    if first.other_time is None:
        return html
    other = f"{first.other_date} {first.other_time}" if first.other_date else first.other_time
    return html + format_html(
        ' <span class="other-zone" data-zone="{}">({}–{} {})</span>',
        first.other_place,
        other,
        last.other_time,
        first.other_place,
    )


@register.filter(name="day_name")
def day_name_filter(value):
    return day_name(value)


@register.simple_tag(takes_context=True)
def clocks(context, start, end=None):
    """A time as plain text in both clocks, for e-mails: the reader's zone, the other side's
    home zone beside it, the day in the language's own format."""
    if not start:
        return ""
    return two_clocks(start, end, context["viewer_zones"])


@dataclass(frozen=True)
class Version:
    language: str
    label: str
    text: str


def text_versions(obj, field: str, language: str) -> tuple[Version | None, list[Version]]:
    """The text of a translated field in ``language`` (or English, or whichever exists) and
    the other languages it is written in."""
    names = dict(settings.LANGUAGES)
    versions = [
        Version(code, str(names[code]), getattr(obj, column) or "")
        for code, column in zip(LANGUAGE_CODES, localized(field), strict=True)
    ]
    versions = [v for v in versions if v.text.strip()]
    if not versions:
        return None, []
    shown = next((v for v in versions if v.language == language), versions[0])
    return shown, [v for v in versions if v is not shown]


@register.inclusion_tag("matchmaking/includes/bilingual.html")
def bilingual(obj, field):
    """The text in the viewer's language (English if missing), the other versions behind a
    switch, so nobody depends on a translation when the original is at hand."""
    shown, others = text_versions(obj, field, get_language() or "en")
    return {"shown": shown, "others": others, "label": _("Show the other languages")}


@register.simple_tag
def chinese_name(institution):
    """Beside a name in German or English, the Chinese name the institution's own people use,
    so both sides know whom they mean."""
    chinese = institution.name_zh_hans
    if not chinese or chinese == institution.name:
        return ""
    return format_html(' · <span lang="zh-Hans">{}</span>', chinese)


@register.filter
def place(zone):
    """A time zone as the place people know ("Berlin"), not its identifier."""
    return place_of(zone)


register.filter("listed", listed)


@register.simple_tag
def sentence_gap():
    """What stands between two sentences written one after the other: a space, except in
    Chinese, whose full stop already holds the gap."""
    return "" if get_language() == "zh-hans" else " "


@register.filter
def topic_names(topics):
    return listed(t.name for t in topics)
