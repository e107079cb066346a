"""The Organisers group: staff who run a whole tour in the admin site without being superusers."""

from django.apps import apps as global_apps

ORGANISERS_GROUP = "Organisers"
ORGANISER_APP_LABELS = ("matchmaking", "account")


def grant_organiser_permissions(apps=global_apps) -> None:
    """Create the group and give it every permission of the domain and of e-mail addresses."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    domain = Permission.objects.filter(content_type__app_label__in=ORGANISER_APP_LABELS)
    # Organisers see the groups to make a colleague an organiser, but cannot change them.
    view_groups = Permission.objects.filter(content_type__app_label="auth", codename="view_group")
    group.permissions.add(*domain, *view_groups)


def on_post_migrate(sender, **kwargs) -> None:
    grant_organiser_permissions(kwargs.get("apps") or global_apps)
