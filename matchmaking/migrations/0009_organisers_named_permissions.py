"""The Organisers group holds exactly the permissions named in ``roles.ORGANISER_PERMISSIONS``,
no longer "everything of the app that owns the user model"."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from matchmaking.roles import ORGANISERS_GROUP, organiser_permissions


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
        ("matchmaking", "0008_turns_and_video_providers"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(name_organiser_permissions, migrations.RunPython.noop)]
