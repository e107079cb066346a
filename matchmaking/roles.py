"""The Organisers group: staff who run a whole tour in the admin site without being superusers."""

from django.apps import apps as global_apps
from django.db.models import Q

ORGANISERS_GROUP = "Organisers"

# Named one by one: organisers run the tours and manage people, but the activity log is read-only
# to them, e-mail addresses are only seen (an address changed by hand could take over an account
# through a password reset), groups only seen, second factors not at all; other staff accounts
# are protected per object in the user admin (permissions.may_manage_account). A model added
# later is added here with what organisers may do with it.
ORGANISER_PERMISSIONS = {
    "matchmaking": [
        "add_tour",
        "change_tour",
        "delete_tour",
        "view_tour",
        "add_tourday",
        "change_tourday",
        "delete_tourday",
        "view_tourday",
        "add_windowbreak",
        "change_windowbreak",
        "delete_windowbreak",
        "view_windowbreak",
        "add_session",
        "change_session",
        "delete_session",
        "view_session",
        "add_speaker",
        "change_speaker",
        "delete_speaker",
        "view_speaker",
        "add_supporter",
        "change_supporter",
        "delete_supporter",
        "view_supporter",
        "add_topic",
        "change_topic",
        "delete_topic",
        "view_topic",
        "add_tandem",
        "change_tandem",
        "delete_tandem",
        "view_tandem",
        "add_tandemmember",
        "change_tandemmember",
        "delete_tandemmember",
        "view_tandemmember",
        "add_institution",
        "change_institution",
        "delete_institution",
        "view_institution",
        "add_participation",
        "change_participation",
        "delete_participation",
        "view_participation",
        "add_representative",
        "change_representative",
        "delete_representative",
        "view_representative",
        "add_meetingrequest",
        "change_meetingrequest",
        "delete_meetingrequest",
        "view_meetingrequest",
        "add_meeting",
        "change_meeting",
        "delete_meeting",
        "view_meeting",
        "add_blockedslot",
        "change_blockedslot",
        "delete_blockedslot",
        "view_blockedslot",
        "add_preferredslot",
        "change_preferredslot",
        "delete_preferredslot",
        "view_preferredslot",
        "add_videoprovider",
        "change_videoprovider",
        "delete_videoprovider",
        "view_videoprovider",
        "add_invitation",
        "change_invitation",
        "delete_invitation",
        "view_invitation",
        "add_outboxmessage",
        "change_outboxmessage",
        "delete_outboxmessage",
        "view_outboxmessage",
        "add_notificationpreference",
        "change_notificationpreference",
        "delete_notificationpreference",
        "view_notificationpreference",
        # Registrations are added and removed through their services, never deleted.
        "add_registration",
        "change_registration",
        "view_registration",
        "view_meetingoutcome",
        "add_calendarfeed",
        "change_calendarfeed",
        "delete_calendarfeed",
        "view_calendarfeed",
        "add_supportingoffice",
        "change_supportingoffice",
        "delete_supportingoffice",
        "view_supportingoffice",
        "view_followup",
        "view_consent",
        # People: changed and deleted only when they are neither staff nor superuser.
        "add_user",
        "change_user",
        "delete_user",
        "view_user",
        "view_activitylog",
    ],
    "account": ["view_emailaddress"],
    # To see who is an organiser; only superusers change groups.
    "auth": ["view_group"],
}


def organiser_permissions(apps=global_apps) -> list:
    """The Permission rows named in ``ORGANISER_PERMISSIONS`` that exist (yet)."""
    named = Q()
    for app_label, codenames in ORGANISER_PERMISSIONS.items():
        named |= Q(content_type__app_label=app_label, codename__in=codenames)
    return list(apps.get_model("auth", "Permission").objects.filter(named))


def on_post_migrate(sender, **kwargs) -> None:
    """After every migrate (and every flush of the test database) the group exists and holds the
    named permissions; only adds, so what a superuser gave the group by hand stays."""
    apps = kwargs.get("apps") or global_apps
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=ORGANISERS_GROUP)
    group.permissions.add(*organiser_permissions(apps))
