from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0010_translated_field_names")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="roles_version",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="version of the roles"
            ),
        ),
    ]
