from django.db import migrations

from matchmaking.roles import ORGANISERS_GROUP


def create_organisers_group(apps, schema_editor):
    # Its permissions: roles.ORGANISER_PERMISSIONS, given by 0009_organisers_named_permissions.
    apps.get_model("auth", "Group").objects.get_or_create(name=ORGANISERS_GROUP)


def remove_organisers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ORGANISERS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_organisers_group, remove_organisers_group)]
