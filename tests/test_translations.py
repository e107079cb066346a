"""Every string the project shows has a German and a Chinese translation, compiled.

The strings are extracted afresh from the code and templates (Django's makemessages, into a
temporary folder) and looked up in the committed catalogs, so a new string without a
translation fails here even before anyone re-runs makemessages."""

import json
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

LANGUAGES = ["de", "zh_Hans"]
SOURCES = ["matchmaking", "innohealth", "templates"]


def _catalog(language: str, kind: str):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / f"django.{kind}"
    return polib.pofile(str(path)) if kind == "po" else polib.mofile(str(path))


@pytest.fixture(scope="module")
def used_msgids(tmp_path_factory):
    """(context, msgid) of every translatable string in the project's code and templates."""
    import os

    root = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        (root / name).symlink_to(Path(settings.BASE_DIR) / name)
    (root / "locale").mkdir()
    cwd, locale_paths = Path.cwd(), settings.LOCALE_PATHS
    os.chdir(root)
    settings.LOCALE_PATHS = [root / "locale"]
    try:
        call_command("makemessages", locale=["de"], symlinks=True, keep_pot=True, verbosity=0)
    finally:
        os.chdir(cwd)
        settings.LOCALE_PATHS = locale_paths
    pot = polib.pofile(str(root / "locale" / "django.pot"))
    found = {(entry.msgctxt, entry.msgid) for entry in pot}
    assert len(found) > 100  # the extraction really ran over the project
    return found


def _translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_code_and_templates_is_translated(used_msgids, language):
    catalog = {(e.msgctxt, e.msgid): e for e in _catalog(language, "po") if not e.obsolete}
    missing = sorted(
        msgid
        for key in used_msgids
        for msgid in [key[1]]
        if key not in catalog or not _translated(catalog[key]) or catalog[key].fuzzy
    )
    assert missing == [], f"{len(missing)} strings without a {language} translation: {missing[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_fuzzy_and_the_compiled_catalog_is_current(language):
    po = _catalog(language, "po")
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po if e.fuzzy] == []
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in _catalog(language, "mo")}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{entry.msgid!r} is not in the compiled {language} catalog"
        expected = entry.msgstr or {int(k): v for k, v in entry.msgstr_plural.items()}
        got = compiled[key]
        if isinstance(got, dict):
            got = {int(k): v for k, v in got.items()}
        assert got == expected, entry.msgid


def test_every_field_and_model_an_organiser_reads_has_a_translated_name():
    """Django names a field after its attribute when no verbose name is given ("tour",
    "created by"): such a name stays English in the German and Chinese admin."""
    from django.apps import apps
    from django.utils.functional import Promise

    untranslated = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("matchmaking").get_models()
        for field in model._meta.get_fields()
        if not field.auto_created
        and hasattr(field, "verbose_name")
        and not isinstance(field.verbose_name, Promise)
        and field.name != "object"  # the log's generic link, shown under its own column name
    ] + [
        model.__name__
        for model in apps.get_app_config("matchmaking").get_models()
        if not isinstance(model._meta.verbose_name, Promise)
    ]
    assert untranslated == []


def test_the_admin_scripts_speak_the_organisers_language(client, people):
    """The selection boxes of many-to-many fields (Django's SelectFilter2.js) and the model
    lists' headings use strings that Django's own German and Chinese catalogues lack;
    locale_admin/ fills them."""
    client.force_login(people.otto)
    for language, expected in (("de", "Alle %s auswählen"), ("zh-hans", "全选%s")):
        people.otto.language = language
        people.otto.save(update_fields=["language"])
        catalog = client.get("/admin/jsi18n/")
        assert catalog.status_code == 200
        entry = json.dumps({"Choose all %s": expected})[1:-1]  # as the catalog writes it
        assert entry in catalog.content.decode(), language
    # The model list's headings for screen readers (Django's Chinese catalogue lacks them).
    index = client.get("/admin/matchmaking/").content.decode()
    assert "模型名称" in index and "Model name" not in index


def test_the_account_pages_speak_german_where_django_does_not(client, people):
    """Django 5.2's German catalogue lacks the password switch of the add page and the
    password button of the change page (its Chinese one has them); locale_admin/ fills them."""
    people.otto.language = "de"
    people.otto.save(update_fields=["language"])
    client.force_login(people.otto)
    add = client.get(reverse("admin:matchmaking_user_add")).content.decode()
    change = client.get(
        reverse("admin:matchmaking_user_change", args=[people.alice.pk])
    ).content.decode()
    for english in ("Password-based authentication", "Enabled", "Disabled", "Whether the user"):
        assert english not in add
    assert "Anmeldung mit Passwort" in add
    assert "Reset password" not in change and "Set password" not in change
