"""Tours are editions: a person takes part per tour, with one role in each.

One table holds every role of every person in every tour, so that the rules live in the database
and not in code that could be bypassed:

- ``one_role_per_person_per_tour``: unique (user, tour). A researcher of 2027 may join a 2028
  tandem, or represent a partner in 2028, but never be a tandem member and a partner in one tour.
- ``one_member_per_role``: unique (tandem, role). With only two tandem roles a tandem can never
  have a third member.
- ``participation_role_matches_party``: a tandem role names a tandem and no institution, the
  partner role an institution and no tandem.
- On PostgreSQL two composite foreign keys (added in the migration, Django cannot declare them)
  tie the row's tour to its party: (tandem, tour) must be a tandem of that tour, and
  (institution, tour) a row of ``Institution.tours``, so nobody represents an institution in a
  tour it has not joined. Removing the institution from a tour ends its representation there.

Two tables (members, representatives) with a third (user, tour) table both point to would need
the same composite keys and still allow one participation to be referenced from both sides;
one table needs none of that. ``TandemMember`` and ``Representative`` are proxies: the admin and
the code keep speaking of members and representatives.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..enums import MemberRole, TourRole
from .choices import ChoiceLabels


class Participation(ChoiceLabels, models.Model):
    """A person's one role in one tour: a member of one of its tandems, or a representative of
    one of its institutions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("person"),
    )
    tour = models.ForeignKey(
        "matchmaking.Tour",
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("tour"),
    )
    role = models.CharField(_("role"), max_length=16, choices=TourRole.choices)
    tandem = models.ForeignKey(
        "matchmaking.Tandem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("tandem"),
    )
    institution = models.ForeignKey(
        "matchmaking.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("institution"),
    )
    position = models.CharField(_("position"), max_length=120, blank=True)

    class Meta:
        # By ids: listing a tandem's members needs no join with tours or tandems.
        ordering = ["tour_id", "role", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tour"],
                name="one_role_per_person_per_tour",
            ),
            # One member per role and only two roles: a tandem can never have a third member.
            models.UniqueConstraint(
                fields=["tandem", "role"],
                condition=Q(tandem__isnull=False),
                name="one_member_per_role",
            ),
            models.CheckConstraint(
                condition=Q(
                    role__in=MemberRole.values, tandem__isnull=False, institution__isnull=True
                )
                | Q(role=TourRole.REPRESENTATIVE, tandem__isnull=True, institution__isnull=False),
                name="participation_role_matches_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.tandem or self.institution}"

    def save(self, *args, **kwargs):
        self._take_tandem_tour()
        super().save(*args, **kwargs)

    def _take_tandem_tour(self) -> None:
        # A member's tour is their tandem's; the database refuses any other. The tandem may be
        # new and unsaved (the admin's tandem page with its members).
        if self.tandem is not None:
            self.tour = self.tandem.tour

    def clean(self) -> None:
        # The admin's forms leave the derived tour out, so the database's rules on it are
        # checked here, with a message instead of an error page.
        self._take_tandem_tour()
        if self.tour_id is None or self.user_id is None:
            return
        if self.institution is not None and not self._institution_joins_tour():
            raise ValidationError(_("The institution does not take part in this tour."))
        taken = Participation.objects.filter(user_id=self.user_id, tour_id=self.tour_id)
        if taken.exclude(pk=self.pk).exists():
            raise ValidationError(_("This person already has a role in this tour."))

    def _institution_joins_tour(self) -> bool:
        # The admin's institution page checks against the tours chosen on it (not saved yet).
        chosen = getattr(self.institution, "tours_in_form", None)
        if chosen is not None:
            return any(tour.pk == self.tour_id for tour in chosen)
        return self.institution.tours.filter(pk=self.tour_id).exists()


class TandemMemberManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(tandem__isnull=False)


class TandemMember(Participation):
    """One of the two people of a tandem: one researcher and one entrepreneur."""

    objects = TandemMemberManager()

    class Meta:
        proxy = True
        verbose_name = _("tandem member")
        verbose_name_plural = _("tandem members")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class RepresentativeManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(role=TourRole.REPRESENTATIVE)


class Representative(Participation):
    """A person who speaks for an institution in one tour."""

    objects = RepresentativeManager()

    class Meta:
        proxy = True
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")

    def __str__(self) -> str:
        return f"{self.user} ({self.institution}, {self.tour})"

    def save(self, *args, **kwargs):
        self.role = TourRole.REPRESENTATIVE
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.role = TourRole.REPRESENTATIVE
        super().clean()
