from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from . import roles

        # The data migration creates the group; this keeps it complete as models are added.
        post_migrate.connect(roles.on_post_migrate, sender=self)
