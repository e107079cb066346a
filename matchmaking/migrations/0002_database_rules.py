"""What the model classes cannot declare: the PostgreSQL-only keys that tie a person's role to
the tour of their tandem or of an institution that joined the tour, and the Organisers group with
the permissions named one by one in ``roles.ORGANISER_PERMISSIONS``."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from matchmaking.roles import ORGANISERS_GROUP, organiser_permissions

# Two-column foreign keys: a member's tour is their tandem's, a representative's tour is one the
# institution joined. Django declares no composite keys; SQLite relies on the model's checks.
TOUR_KEYS = (
    (
        "participation_tandem_in_its_tour",
        "(tandem_id, tour_id) REFERENCES matchmaking_tandem (id, tour_id)"
        " ON UPDATE CASCADE ON DELETE CASCADE",
    ),
    (
        "participation_institution_in_tour",
        "(institution_id, tour_id) REFERENCES matchmaking_institution_tours (institution_id, tour_id)"
        " ON DELETE CASCADE",
    ),
)


def add_tour_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, key in TOUR_KEYS:
        schema_editor.execute(
            f"ALTER TABLE matchmaking_participation ADD CONSTRAINT {name} FOREIGN KEY {key}"
        )


def drop_tour_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _key in TOUR_KEYS:
        schema_editor.execute(f"ALTER TABLE matchmaking_participation DROP CONSTRAINT {name}")


def name_organiser_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=ORGANISERS_GROUP)
    group.permissions.set(organiser_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(add_tour_keys, drop_tour_keys),
        migrations.RunPython(name_organiser_permissions, migrations.RunPython.noop),
    ]
