from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from . import roles, tasks  # noqa: F401
        from .models import Institution, Session, Speaker, Supporter, Topic, Tour
        from .models.institutions import topic_saved, topics_changed
        from .selectors.tours import forget_public_page
        from .services import (
            account_log,  # noqa: F401 — connects the signals that log accounts
            role_versions,
        )

        # ``tasks`` registers the Celery tasks in every process: the outbox queues its task by
        # name, which runs in-process when tasks are eager (no Redis) only if it is registered.

        # The migration names the group's permissions; this keeps it so after a flush and as
        # models are added.
        post_migrate.connect(roles.on_post_migrate, sender=self)
        # A person's cached roles are read afresh after any change to the rows behind them.
        role_versions.connect()
        # The searched words of an institution follow its topics.
        m2m_changed.connect(topics_changed, sender=Institution.topics.through)
        post_save.connect(topic_saved, sender=Topic)
        # The public page keeps its rendered programme until one of the rows it shows changes.
        for model in (Tour, Session, Speaker, Supporter, Institution):
            post_save.connect(forget_public_page, sender=model)
            post_delete.connect(forget_public_page, sender=model)
        for through in (Session.speakers.through, Institution.tours.through):
            m2m_changed.connect(forget_public_page, sender=through)


class OrganisersAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the organisers' site (it opens on the control room)."""

    default = False
    default_site = "matchmaking.admin_site.OrganisersSite"
