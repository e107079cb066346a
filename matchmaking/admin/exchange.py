"""Exports (CSV and Excel) and imports of the admin, with django-import-export.

- Every exported cell that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
  return) gets a leading single quote: ``NeutralisedExport.export_field`` passes each through
  ``csvfile.neutralise``, which the portal's pipeline CSV uses too.
- Times are exported in both home zones of their tour, each labelled with its zone.
- An import file is read within the bounds of ``services/spreadsheets.read_table`` (rows, time,
  cell length, text in all); a file that is not a spreadsheet, is too large or has wrong
  columns is answered with a message and nothing else happens.
- The preview is import-export's dry run in a transaction that is rolled back: it lists every
  bad row with its reason, and nothing is saved until the organiser confirms a file without
  bad rows. Representatives are added through ``services/participations`` (one role per person
  per tour); tandems and institutions are saved as their admin pages save them, and every
  imported row is logged in the activity log.

Import columns are the fields' names (stable across languages, so an export can be imported
again); export-only columns are named in the organiser's language.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import tablib
from diff_match_patch import diff_match_patch
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils.encoding import force_str
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm
from import_export.results import Error, RowResult
from import_export.tmp_storages import CacheStorage

from ..csvfile import neutralise, restore
from ..enums import LogAction, Seeking
from ..models import (
    ActivityLog,
    Institution,
    Meeting,
    MeetingRequest,
    Representative,
    Session,
    Tandem,
    Topic,
    Tour,
    User,
)
from ..models.languages import localized
from ..services import DomainError
from ..services.activity import log_action
from ..services.participations import add_representative, change_representative_position
from ..services.spreadsheets import read_table
from .history import describe

# An import's columns: the widest resource (institutions) has 20; the longest text field 4000.
IMPORT_MAX_COLUMNS = 40
IMPORT_MAX_CELL_LENGTH = 4000


def in_zone(moment: datetime | None, zone: str) -> str:
    """A time as an export writes it: date, hour and the zone it is in."""
    if moment is None:
        return ""
    return f"{moment.astimezone(zoneinfo.ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


# --- reading import files within bounds ---------------------------------------------------


def _bounded_dataset(filename: str, content: bytes) -> tablib.Dataset:
    if isinstance(content, str):
        content = content.encode()
    header_line, header, rows = read_table(
        filename,
        content,
        max_columns=IMPORT_MAX_COLUMNS,
        max_cell_length=IMPORT_MAX_CELL_LENGTH,
    )
    width = len(header)
    dataset = tablib.Dataset(headers=header)
    for row in rows:
        # The cells an export neutralised come back as they were in the database.
        dataset.append([restore(cell) for cell in (row + [""] * width)[:width]])
    dataset.line_offset = header_line  # the first data row is the line after the header
    return dataset


class BoundedCSV(base_formats.CSV):
    """CSV read as bytes through ``read_table`` (UTF-8, a sniffed delimiter)."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return _bounded_dataset("import.csv", in_stream)


class BoundedXLSX(base_formats.XLSX):
    """Excel read row by row through ``read_table`` (openpyxl would read the sheet whole)."""

    def create_dataset(self, in_stream, **kwargs):
        return _bounded_dataset("import.xlsx", in_stream)


# --- resources ----------------------------------------------------------------------------


class PlainDiff(resources.Diff):
    """The preview's changes as <ins> and <del> (styled by import-export's stylesheet), not
    diff-match-patch's inline styles, which the Content-Security-Policy blocks."""

    def as_html(self):
        dmp = diff_match_patch()
        cells = []
        for old, new in zip(self.left, self.right, strict=False):
            if old != new and self.new:
                old = ""
            parts = dmp.diff_main(force_str(old), force_str(new))
            dmp.diff_cleanupSemantic(parts)
            tags = {dmp.DIFF_INSERT: "ins", dmp.DIFF_DELETE: "del"}
            cells.append(
                format_html_join(
                    "",
                    "{}",
                    (
                        (format_html("<{0}>{1}</{0}>", tags[op], text) if op in tags else text,)
                        for op, text in parts
                    ),
                )
            )
        return cells


class NeutralisedExport:
    """The one place every export goes through: each cell passes ``neutralise``."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


class SafeResource(NeutralisedExport, resources.ModelResource):
    """The base of every resource: neutralised cells on export; on import, the columns checked
    before any row, blank rows skipped, each row logged, and bad rows named by their line."""

    def get_diff_class(self):
        return PlainDiff

    def get_user_visible_fields(self):
        return [field for field in self.get_import_fields() if not field.readonly]

    # Columns an import file must have (beside the import id fields).
    required_columns: tuple[str, ...] = ()

    def column_problem(self, headers) -> str:
        known = {field.column_name for field in self.fields.values()}
        given = [header for header in headers or [] if header]
        unknown = [header for header in given if header not in known]
        if unknown:
            return _("Unknown columns: %(columns)s. The columns are: %(known)s.") % {
                "columns": ", ".join(unknown),
                "known": ", ".join(self.get_export_headers()),
            }
        needed = [
            self.fields[name].column_name
            for name in (*self.get_import_id_fields(), *self.required_columns)
        ]
        missing = [column for column in needed if column not in given]
        if missing:
            return _("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)}
        if len(set(given)) != len(given):
            return _("A column appears twice in the first row.")
        return ""

    def import_data(self, dataset, *args, **kwargs):
        problem = self.column_problem(dataset.headers)
        if problem:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.append_base_error(Error(DomainError(problem)))
        else:
            result = super().import_data(dataset, *args, **kwargs)
        result.line_offset = getattr(dataset, "line_offset", 1)
        return result

    def import_row(self, row, instance_loader, **kwargs):
        if not any(str(value or "").strip() for value in row.values()):
            skipped = self.get_row_result_class()()
            skipped.import_type = RowResult.IMPORT_TYPE_SKIP
            return skipped
        return super().import_row(row, instance_loader, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("user") is not None and not getattr(instance, "_logged", False):
            log_action(
                actor=kwargs["user"],
                obj=instance,
                action=LogAction.CREATE
                if getattr(instance, "_created", False)
                else LogAction.CHANGE,
                data={"imported": kwargs.get("file_name") or ""},
            )

    def before_save_instance(self, instance, row, **kwargs):
        instance._created = instance.pk is None


class SlugWidget(widgets.ForeignKeyWidget):
    """An object named by its slug; an unknown one is the row's error, with the slug."""

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return None
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist as exc:
            raise ValueError(
                _("No %(what)s has the slug “%(slug)s”.")
                % {"what": self.model._meta.verbose_name, "slug": value}
            ) from exc


class SlugsWidget(widgets.ManyToManyWidget):
    """Several objects by their slugs, separated by “;”; each must exist."""

    def __init__(self, model):
        super().__init__(model, separator=";", field="slug")

    def clean(self, value, row=None, **kwargs):
        slugs = [slug.strip() for slug in str(value or "").split(";") if slug.strip()]
        found = list(self.model.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {obj.slug for obj in found})
        if unknown:
            raise ValueError(
                _("Unknown %(what)s: %(slugs)s.")
                % {"what": self.model._meta.verbose_name_plural, "slugs": ", ".join(unknown)}
            )
        return found


class SeeksWidget(widgets.Widget):
    """What a tandem seeks: its codes, separated by “;”."""

    def clean(self, value, row=None, **kwargs):
        codes = [code.strip() for code in str(value or "").split(";") if code.strip()]
        unknown = [code for code in codes if code not in Seeking.values]
        if unknown:
            raise ValueError(
                _("Unknown wishes: %(codes)s. Known: %(known)s.")
                % {"codes": ", ".join(unknown), "known": ", ".join(Seeking.values)}
            )
        return codes

    def render(self, value, obj=None, **kwargs):
        return ";".join(value or [])


class AccountWidget(widgets.ForeignKeyWidget):
    """A person by the e-mail address of their account."""

    def __init__(self):
        super().__init__(User, "email")

    def clean(self, value, row=None, **kwargs):
        email = str(value or "").strip()
        if not email:
            raise ValueError(_("The e-mail address is missing."))
        person = User.objects.filter(email__iexact=email).first()
        if person is None:
            raise ValueError(
                _("No account has the address %(email)s: please invite the person instead.")
                % {"email": email}
            )
        return person


def _person(participation) -> str:
    return f"{participation.user} <{participation.user.email}>" if participation else ""


class TandemResource(SafeResource):
    tour = fields.Field("tour", "tour", SlugWidget(Tour, "slug"))
    topics = fields.Field("topics", "topics", SlugsWidget(Topic))
    seeks = fields.Field("seeks", "seeks", SeeksWidget())
    researcher = fields.Field(column_name="researcher", readonly=True)
    entrepreneur = fields.Field(column_name="entrepreneur", readonly=True)
    required_columns = ("name", "project_title_en", "research_organisation", "company")

    class Meta:
        model = Tandem
        fields = (
            "tour",
            "slug",
            "name",
            *localized("project_title"),
            *localized("summary"),
            "research_organisation",
            "company",
            "topics",
            "seeks",
            "researcher",
            "entrepreneur",
        )
        export_order = fields
        import_id_fields = ("tour", "slug")
        skip_unchanged = True
        clean_model_instances = True

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("tour").prefetch_related("topics", "members__user")
        return super().export(queryset, **kwargs)

    def _member(self, tandem, role):
        return _person(next((m for m in tandem.members.all() if m.role == role), None))

    def dehydrate_researcher(self, tandem):
        return self._member(tandem, "researcher")

    def dehydrate_entrepreneur(self, tandem):
        return self._member(tandem, "entrepreneur")


class InstitutionResource(SafeResource):
    topics = fields.Field("topics", "topics", SlugsWidget(Topic))
    # Joining tours only adds: leaving a tour ends its representatives' roles (the admin page).
    tours = fields.Field("tours", "tours", SlugsWidget(Tour), m2m_add=True)
    representatives = fields.Field(column_name="representatives", readonly=True)
    required_columns = ("name_en", "kind")

    class Meta:
        model = Institution
        fields = (
            "slug",
            *localized("name"),
            "kind",
            *localized("city"),
            *localized("province"),
            "website",
            *localized("description"),
            "topics",
            "tours",
            "representatives",
        )
        export_order = fields
        import_id_fields = ("slug",)
        skip_unchanged = True
        clean_model_instances = True

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.prefetch_related(
                "topics",
                "tours",
                Prefetch(
                    "representatives",
                    queryset=Representative.objects.select_related("user", "tour"),
                ),
            )
        return super().export(queryset, **kwargs)

    def dehydrate_representatives(self, institution):
        return "; ".join(f"{_person(r)} ({r.tour.slug})" for r in institution.representatives.all())


class RepresentativeResource(SafeResource):
    email = fields.Field("user", "email", AccountWidget())
    name = fields.Field(column_name="name", readonly=True)
    institution = fields.Field("institution", "institution", SlugWidget(Institution, "slug"))
    tour = fields.Field("tour", "tour", SlugWidget(Tour, "slug"))
    required_columns = ("institution",)

    class Meta:
        model = Representative
        fields = ("email", "name", "institution", "tour", "position")
        export_order = fields
        import_id_fields = ("email", "tour")
        skip_unchanged = True
        # The service checks the roles; the model's own rules would only repeat them.
        clean_model_instances = False

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("user", "institution", "tour")
        return super().export(queryset, **kwargs)

    def dehydrate_name(self, representative):
        return str(representative.user)

    def do_instance_save(self, instance, is_create):
        actor = self._actor
        try:
            if is_create:
                saved = add_representative(
                    actor=actor,
                    user=instance.user,
                    institution=instance.institution,
                    tour=instance.tour,
                    position=instance.position,
                )
                instance.pk = saved.pk
            else:
                original = Representative.objects.get(pk=instance.pk)
                if original.institution_id != instance.institution_id:
                    raise DomainError(
                        _(
                            "%(person)s represents %(institution)s in this tour; remove that "
                            "role on the institution's page first."
                        )
                        % {"person": instance.user, "institution": original.institution}
                    )
                change_representative_position(
                    actor=actor, representative=instance, position=instance.position
                )
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc
        instance._logged = True  # the services logged it

    def save_instance(self, instance, is_create, row, **kwargs):
        self._actor = kwargs.get("user")
        super().save_instance(instance, is_create, row, **kwargs)


# Export only -------------------------------------------------------------------------------


class ExportResource(NeutralisedExport, resources.Resource):
    """An export of declared columns only, neutralised like every export."""

    # select_related/prefetch_related of the admin's rows, so an export costs a few queries.
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()

    @classmethod
    def get_display_name(cls):
        return cls._meta.model._meta.verbose_name_plural

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related(*self.related).prefetch_related(*self.prefetch)
        return super().export(queryset, **kwargs)


def column(label, value) -> fields.Field:
    """An export column: ``value(obj)`` under ``label`` (in the organiser's language)."""
    return fields.Field(column_name=label, dehydrate_method=value, readonly=True)


def clocks(label, moment) -> dict[str, fields.Field]:
    """Two columns for one time of an object of a tour: in the tandems' and the partners' home
    zone, each value naming its zone."""
    return {
        "tandem_zone": column(
            format_lazy("{} ({})", label, gettext_lazy("tandems' home time zone")),
            lambda obj: in_zone(moment(obj), obj.tour.tandem_time_zone),
        ),
        "partner_zone": column(
            format_lazy("{} ({})", label, gettext_lazy("partners' home time zone")),
            lambda obj: in_zone(moment(obj), obj.tour.partner_time_zone),
        ),
    }


def export_resource(name: str, model, columns: dict, *, related=(), prefetch=()):
    """A resource class exporting ``columns`` (name → Field, in order)."""
    attrs = {**columns, "related": related, "prefetch": prefetch, "__module__": __name__}
    attrs["Meta"] = type("Meta", (), {"model": model})
    return type(name, (ExportResource,), attrs)


def _prefixed(prefix: str, columns: dict) -> dict:
    return {f"{prefix}_{name}": field for name, field in columns.items()}


def _meeting_of(request):
    return getattr(request, "meeting", None)


MeetingRequestResource = export_resource(
    "MeetingRequestResource",
    MeetingRequest,
    {
        "id": column("id", lambda r: r.pk),
        "tour": column(gettext_lazy("tour"), lambda r: r.tour.slug),
        "tandem": column(gettext_lazy("tandem"), lambda r: r.tandem.name),
        "institution": column(gettext_lazy("institution"), lambda r: r.institution.name),
        "direction": column(gettext_lazy("direction"), lambda r: r.get_direction_display()),
        "status": column(gettext_lazy("status"), lambda r: r.get_status_display()),
        "turn": column(gettext_lazy("whose turn"), lambda r: r.get_turn_display()),
        **_prefixed("turn_since", clocks(gettext_lazy("waiting since"), lambda r: r.turn_since)),
        **_prefixed("created", clocks(gettext_lazy("sent"), lambda r: r.created_at)),
        **_prefixed(
            "meeting",
            clocks(
                gettext_lazy("meeting starts"),
                lambda r: m.starts_at if (m := _meeting_of(r)) else None,
            ),
        ),
        "message": column(gettext_lazy("message"), lambda r: r.message),
    },
    related=("tour", "tandem", "institution", "meeting"),
)

MeetingResource = export_resource(
    "MeetingResource",
    Meeting,
    {
        "id": column("id", lambda m: m.pk),
        "tour": column(gettext_lazy("tour"), lambda m: m.tour.slug),
        "tandem": column(gettext_lazy("tandem"), lambda m: m.tandem.name),
        "institution": column(gettext_lazy("institution"), lambda m: m.institution.name),
        "status": column(gettext_lazy("status"), lambda m: m.get_status_display()),
        **_prefixed("starts", clocks(gettext_lazy("starts"), lambda m: m.starts_at)),
        **_prefixed("ends", clocks(gettext_lazy("ends"), lambda m: m.ends_at)),
        "video_provider": column(
            gettext_lazy("video provider"),
            lambda m: m.video_provider.name if m.video_provider else "",
        ),
        "video_url": column(gettext_lazy("video link"), lambda m: m.video_url),
    },
    related=("tour", "tandem", "institution", "video_provider"),
)

SessionResource = export_resource(
    "SessionResource",
    Session,
    {
        "id": column("id", lambda s: s.pk),
        "tour": column(gettext_lazy("tour"), lambda s: s.tour.slug),
        "kind": column(gettext_lazy("kind"), lambda s: s.get_kind_display()),
        "title": column(gettext_lazy("title"), lambda s: s.title),
        **_prefixed("starts", clocks(gettext_lazy("starts"), lambda s: s.starts_at)),
        **_prefixed("ends", clocks(gettext_lazy("ends"), lambda s: s.ends_at)),
        "host": column(gettext_lazy("host"), lambda s: s.host.name if s.host else ""),
        "capacity": column(gettext_lazy("capacity"), lambda s: s.capacity),
        "published": column(
            gettext_lazy("published"), lambda s: _("yes") if s.is_published else _("no")
        ),
        "tandems": column(
            gettext_lazy("tandems"), lambda s: "; ".join(t.name for t in s.tandems.all())
        ),
        "institutions": column(
            gettext_lazy("participating institutions"),
            lambda s: "; ".join(i.name for i in s.institutions.all()),
        ),
        "video_url": column(gettext_lazy("video link"), lambda s: s.video_url),
    },
    related=("tour", "host"),
    prefetch=("tandems", "institutions"),
)

ActivityLogResource = export_resource(
    "ActivityLogResource",
    ActivityLog,
    {
        "at": column(
            gettext_lazy("when (UTC)"), lambda e: f"{e.at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
        ),
        "who": column(gettext_lazy("who"), lambda e: e.who),
        "action": column(gettext_lazy("action"), lambda e: e.get_action_display()),
        "kind": column(
            gettext_lazy("kind of object"),
            lambda e: e.content_type.model_class()._meta.verbose_name,
        ),
        "object": column(gettext_lazy("object"), lambda e: e.object_repr),
        "details": column(gettext_lazy("details"), lambda e: " | ".join(describe(e))),
    },
    related=("content_type",),
)


# --- the admin side -------------------------------------------------------------------------


class UploadKeptAnHour(CacheStorage):
    """An import file between its preview and its confirmation: kept in the cache (Redis), which
    every web process shares, and forgotten after an hour, so an upload nobody confirms leaves
    no file behind in a temporary folder."""

    CACHE_LIFETIME = 3600


class ExchangeAdminMixin:
    """What every exporting or importing admin shares: CSV and Excel, bounded reading, the
    import page that names each bad row by its line in the file."""

    import_formats = [BoundedCSV, BoundedXLSX]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    # Every column, without the column picker, whose inline script and styles the
    # Content-Security-Policy blocks.
    export_form_class = ExportForm
    import_template_name = "admin/matchmaking/import.html"
    tmp_storage_class = UploadKeptAnHour

    def process_import(self, request, **kwargs):
        name = request.POST.get("import_file_name", "")
        if not name or self.get_tmp_storage_class()(name=name).read() is None:
            self.message_user(
                request,
                _(
                    "This import is no longer waiting for confirmation: please upload the file again."
                ),
                messages.ERROR,
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_import(request, **kwargs)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, DomainError):
            form.add_error("import_file", str(e))
        elif isinstance(e, UnicodeDecodeError):
            form.add_error("import_file", _("The CSV file must be encoded as UTF-8."))
        else:
            form.add_error(
                "import_file", _("This file could not be read: is it a CSV or .xlsx file?")
            )


class ExportAdmin(ExchangeAdminMixin, ExportMixin):
    """Export buttons on an admin list (the rows shown, with its filters)."""


class ImportExportAdmin(ExchangeAdminMixin, ImportExportMixin):
    """Import and export buttons on an admin list."""
