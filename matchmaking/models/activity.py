from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import LogAction
from .choices import ChoiceLabels


class ActivityLogQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> "ActivityLogQuerySet":
        """The history of one object, newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk,
        )


class ActivityLog(ChoiceLabels, models.Model):
    """One thing somebody (or the system) did to one object. The actor's name is kept as text,
    and the object is referenced by type and id, so an entry outlives both."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("who (at the time)"), max_length=300, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of object"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=40, choices=LogAction.choices)
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = ActivityLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="activity_of_object")
        ]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.get_action_display()}"

    @property
    def who(self) -> str:
        return self.actor_name or str(_("system"))
