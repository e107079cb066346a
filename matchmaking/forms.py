"""Forms of the portal. They validate input; the services decide what is allowed."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .enums import Attendance, FollowUpStage, InstitutionKind, Language, OutcomeResult, Seeking
from .models import Institution, Tandem, Topic, VideoProvider
from .models.followups import NEXT_STEP_MAX_LENGTH, NOTE_MAX_LENGTH
from .models.languages import LANGUAGE_CODES, localized
from .models.outcomes import NOTE_MAX_LENGTH as OUTCOME_NOTE_MAX_LENGTH
from .models.requests import MESSAGE_MAX_LENGTH
from .selectors.slots import SlotTime
from .services.profiles import INSTITUTION_TEXT_FIELDS, TANDEM_TEXT_FIELDS
from .timezones import ViewerZones, show_time, zone_choices

REASON_MAX_LENGTH = 500
SEARCH_MAX_LENGTH = 100


def slot_label(slot: SlotTime, zones: ViewerZones) -> str:
    shown = show_time(slot.starts_at, zones)
    label = f"{shown.date} {shown.time} {shown.zone}"
    if shown.other_time:
        other = f"{shown.other_date} {shown.other_time}" if shown.other_date else shown.other_time
        label += f" ({other} {shown.other_place})"
    return label


def slot_choices(slots: list[SlotTime], zones: ViewerZones) -> list[tuple[str, str]]:
    return [(s.starts_at.isoformat(), slot_label(s, zones)) for s in slots]


class PlainSelect(forms.Select):
    """A select of plain choices (no groups) written out directly. Django renders every option
    through a template: three lists of a whole tour's slots cost more than the rest of a request
    page, and the directory's filters more than its list."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)  # noqa: S308
                for key, label in self.choices
            ),
        )
        final_attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, final_attrs, options)


class SlotField(forms.TypedChoiceField):
    """One of the offered slots; anything else is refused as an invalid choice."""

    widget = PlainSelect

    def __init__(self, *, choices, required, empty_label, **kwargs):
        super().__init__(
            choices=[("", empty_label), *choices],
            coerce=datetime.fromisoformat,
            empty_value=None,
            required=required,
            **kwargs,
        )


class TextField(forms.CharField):
    """Text from a textarea. Browsers send line breaks as CRLF but count them as one character
    against maxlength: the same count here, so a text the browser accepts is accepted."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if value else value


class MeetingRequestForm(forms.Form):
    message = TextField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Introduce yourselves and say what you would like to talk about."),
    )

    def __init__(self, *args, slots: list[SlotTime], zones: ViewerZones, **kwargs):
        super().__init__(*args, **kwargs)
        choices = slot_choices(slots, zones)
        for rank in (1, 2, 3):
            self.fields[f"preferred_{rank}"] = SlotField(
                choices=choices,
                required=False,
                empty_label=_("no preference"),
                label=_("Preferred time %(rank)d") % {"rank": rank},
            )

    def clean(self):
        cleaned = super().clean()
        starts = [cleaned.get(f"preferred_{rank}") for rank in (1, 2, 3)]
        starts = [s for s in starts if s is not None]
        if len(set(starts)) != len(starts):
            raise forms.ValidationError(_("Each preferred time can be chosen only once."))
        cleaned["preferred_starts"] = starts
        return cleaned


class SlotForm(forms.Form):
    """One time out of the offered slots: to accept (optional) or to propose (required)."""

    def __init__(self, *args, slots, zones, required: bool, label, empty_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"] = SlotField(
            choices=slot_choices(slots, zones),
            required=required,
            empty_label=empty_label,
            label=label,
        )


# The accept and propose forms share one page: each its own field ids, so each label names its
# own select.
def accept_form(data, *, slots: list[SlotTime], zones: ViewerZones) -> SlotForm:
    return SlotForm(
        data,
        auto_id="accept-%s",
        slots=slots,
        zones=zones,
        required=False,
        label=_("Meeting time"),
        empty_label=_("the earliest time free for both (wishes first)"),
    )


def propose_form(data, *, slots: list[SlotTime], zones: ViewerZones) -> SlotForm:
    return SlotForm(
        data,
        auto_id="propose-%s",
        slots=slots,
        zones=zones,
        required=True,
        label=_("Proposed time"),
        empty_label=_("choose a time"),
    )


class ConfirmForm(forms.Form):
    """The proposed time the person saw: another proposal made since then is not confirmed
    unseen (a colleague of the same side may have answered meanwhile)."""

    start = forms.DateTimeField(widget=forms.HiddenInput)


def confirm_form(data, *, proposed_start: datetime) -> ConfirmForm:
    # ISO in UTC, as the slot lists write times: the reader's zone cannot change its meaning.
    return ConfirmForm(data, auto_id="confirm-%s", initial={"start": proposed_start.isoformat()})


class DeclineForm(forms.Form):
    reason = TextField(
        label=_("Reason (optional)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelMeetingForm(forms.Form):
    reason = TextField(
        label=_("Reason (the other side reads it)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VideoLinkForm(forms.Form):
    """Another video link for a meeting: one of the tour's video services and its link."""

    provider = forms.ModelChoiceField(
        label=_("Video service"),
        queryset=VideoProvider.objects.none(),
        help_text=_("Choose the service whose link you give."),
    )
    url = forms.CharField(
        label=_("Video link"),
        max_length=200,
        help_text=_("For example a room of a video service that works well in China."),
    )

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is None or not providers.exists():
            # A tour without listed services takes any https link.
            del self.fields["provider"]
        else:
            self.fields["provider"].queryset = providers


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=SEARCH_MAX_LENGTH, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=PlainSelect)
    city = forms.ChoiceField(label=_("City"), required=False, widget=PlainSelect)
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=PlainSelect)

    def __init__(self, *args, cities: list[tuple[str, str]], topics: list[Topic], **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("any"))]
        self.fields["kind"].choices = anything + list(InstitutionKind.choices)
        self.fields["city"].choices = anything + cities
        self.fields["topic"].choices = anything + [(t.slug, t.name) for t in topics]


class TopicsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TopicsFormMixin(forms.Form):
    topics = TopicsField(
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Topics"),
    )


LANGUAGE_NAMES = dict(settings.LANGUAGES)


# Profiles are read on both sides: their summary is needed in English and in Chinese.
BOTH_SIDES = ("en", "zh-hans")


def translated_fields(form: forms.ModelForm, *fields: str, required: tuple = ()) -> None:
    """Label each language version of a translated field with its language and mark it for the
    browser's spell checker. The model requires English where the field is required at all;
    ``required`` names further languages the text is needed in."""
    for field in fields:
        label = form._meta.model._meta.get_field(field).verbose_name
        for code, name in zip(LANGUAGE_CODES, localized(field), strict=True):
            if name not in form.fields:
                continue
            form.fields[name].label = f"{capfirst(label)} ({LANGUAGE_NAMES[code]})"
            form.fields[name].widget.attrs["lang"] = code
            if code in required:
                form.fields[name].required = True


class TandemProfileForm(TopicsFormMixin, forms.ModelForm):
    seeks = forms.MultipleChoiceField(
        choices=Seeking.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What you seek in China"),
    )

    class Meta:
        model = Tandem
        fields = list(TANDEM_TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in localized("summary")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translated_fields(self, "project_title")
        translated_fields(self, "summary", required=BOTH_SIDES)


class InstitutionProfileForm(TopicsFormMixin, forms.ModelForm):
    class Meta:
        model = Institution
        fields = list(INSTITUTION_TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in localized("description")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        translated_fields(self, "name", "city", "province")
        translated_fields(self, "description", required=BOTH_SIDES)


class DisplayNameForm(forms.Form):
    """The name the other side reads wherever this person acts: required, so that no page
    has to show an e-mail address in its place."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=120,
        help_text=_("The other side sees this name, never your e-mail address."),
    )


class PreferencesForm(DisplayNameForm):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = zone_choices(self.initial.get("time_zone", ""))


class OutcomeForm(forms.Form):
    """One side's answer after a meeting: did it take place, and what came of it."""

    attendance = forms.ChoiceField(
        label=_("Did the meeting take place?"),
        choices=Attendance.choices,
        widget=forms.RadioSelect,
    )
    result = forms.ChoiceField(
        label=_("What came of it?"),
        choices=OutcomeResult.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("The furthest step you reached or agreed on."),
    )
    note = TextField(
        label=_("Note for the organisers (optional)"),
        max_length=OUTCOME_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("attendance") == Attendance.HELD and not data.get("result"):
            self.add_error("result", _("Please choose what came of the meeting."))
        if data.get("attendance") == Attendance.NO_SHOW:
            data["result"] = ""
        return data


class NamedChoiceField(forms.ModelChoiceField):
    """A choice of people, tandems or institutions, each shown by its name."""

    def label_from_instance(self, obj):
        return str(obj)


class FollowUpForm(forms.Form):
    """A follow-up's next step, owner, due date and stage; a new one also names the other side
    of the contact. Whether the date may be chosen is the service's rule."""

    counterpart = NamedChoiceField(label=_("With"), queryset=Institution.objects.none())
    next_step = TextField(
        label=_("Next step"),
        max_length=NEXT_STEP_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: send the NDA draft, visit the pilot site, call the investor."),
    )
    owner = NamedChoiceField(label=_("Owner"), queryset=Institution.objects.none())
    # A date input reads only ISO dates; the language's own format would leave it empty.
    due_on = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=FollowUpStage.choices)

    def __init__(self, *args, owners, counterparts=None, counterpart_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if counterparts is None:
            del self.fields["counterpart"]
        else:
            self.fields["counterpart"].queryset = counterparts
            self.fields["counterpart"].label = counterpart_label


class NoteForm(forms.Form):
    text = TextField(
        label=_("Note"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class PipelineForm(forms.Form):
    """The organisers' and offices' filters of the follow-up pipeline."""

    tour = forms.ChoiceField(label=_("Tour"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def __init__(self, *args, tours, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tour"].choices = [("", _("all my tours"))] + [(t.slug, t.name) for t in tours]
        self.fields["stage"].choices = [("", _("any"))] + list(FollowUpStage.choices)


class ConsentForm(forms.Form):
    """The consent page names the version and language of the text it showed."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=20)
    language = forms.ChoiceField(widget=forms.HiddenInput, choices=Language.choices)


class DeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account and my personal data will be deleted and that this "
            "cannot be undone."
        )
    )
