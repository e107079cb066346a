"""What each database rule says to the person who broke it, in their language: the one place
that turns a constraint's name into a sentence, both for a form's checks and for an
``IntegrityError`` that reaches the database first. A constraint's name is never shown."""

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from .languages import localized

REFUSALS = {
    "at_most_three_preferred_slots": _("At most three preferred slots can be chosen."),
    "blocked_slot_belongs_to_one_participant": _("Choose either a tandem or an institution."),
    "blocked_slot_unique_for_institution": _(
        "This slot is already marked unavailable for this institution."
    ),
    "blocked_slot_unique_for_tandem": _("This slot is already marked unavailable for this tandem."),
    "institution_not_double_booked": _("The institution already has a meeting at this time."),
    "institution_registers_once_per_session": _(
        "This institution is already registered for this session."
    ),
    "meeting_ends_after_start": _("A meeting must end after it starts."),
    "meeting_outcome_result_only_when_held": _("A result can only be given for a meeting held."),
    "meeting_outcome_side_known": _("Choose the side this outcome belongs to."),
    "meeting_request_status_known": _("Choose one of the request's statuses."),
    "one_consent_per_version": _("This consent is already recorded."),
    "one_default_video_provider_per_tour": _("The tour already has a default video service."),
    "one_member_per_role": _("This tandem already has a member in this role."),
    "one_open_invitation_per_email": _("This e-mail address already has an open invitation."),
    "one_open_request_per_pair": _(
        "There is already an open meeting request between this tandem and this institution."
    ),
    "one_outcome_per_side": _("This side has already reported the meeting's outcome."),
    "one_planning_run_per_tour_at_a_time": _(
        "A plan is already being made for this tour; wait for it or stop it first."
    ),
    "one_role_per_person_per_tour": _("This person already has a role in this tour."),
    "one_tour_day_per_date": _("The tour already has a day on this date."),
    "outbox_status_known": _("Choose one of the e-mail's statuses."),
    "participation_role_matches_party": _(
        "A tandem member belongs to a tandem, a representative to an institution."
    ),
    "preferred_slot_once": _("This slot is already one of the preferred slots."),
    "preferred_slot_rank_once": _("Each preferred slot needs its own rank."),
    "registration_for_one_party": _("A registration is for either a tandem or an institution."),
    "registration_status_known": _("Choose one of the registration's statuses."),
    "representative_invitation_names_institution": _(
        "An invitation for a representative must name the institution."
    ),
    "role_invitation_names_tour": _("An invitation to a role must name the tour."),
    "session_capacity_positive": _("A session needs at least one place."),
    "session_ends_after_start": _("A session must end after it starts."),
    "tandem_id_with_tour": _("A tandem belongs to one tour."),
    "tandem_invitation_names_tandem": _("An invitation for a tandem member must name the tandem."),
    "tandem_not_double_booked": _("The tandem already has a meeting at this time."),
    "tandem_registers_once_per_session": _("This tandem is already registered for this session."),
    "tandem_slug_unique_in_tour": _("Another tandem of this tour already has this short name."),
    "tour_day_window_ends_after_start": _("The meeting window must end after it starts."),
    "tour_request_expiry_at_least_a_day": _("Requests must stay open for at least a day."),
    "tour_slot_minutes_between_5_and_240": _("A slot lasts between 5 and 240 minutes."),
    "video_provider_name_once": _("The tour already has a video service of this name."),
    "window_break_ends_after_start": _("A break must end after it starts."),
    **{
        f"institution_{column}_unique": _("Another institution already has this name.")
        for column in localized("name")
    },
}

# A rule without a sentence of its own (a new one, or a foreign key) still reads as words.
UNKNOWN_RULE = _("This change conflicts with data already saved, so it was not made.")


def refusal(constraint: str) -> str:
    return REFUSALS.get(constraint, UNKNOWN_RULE)


def refusal_of(error: IntegrityError) -> str:
    """The sentence for the database rule an ``IntegrityError`` reports."""
    diagnosis = getattr(error.__cause__, "diag", None)
    return str(refusal(getattr(diagnosis, "constraint_name", None) or ""))


def speak_constraints(*models) -> None:
    """Gives every constraint of ``models`` its sentence, which Django's form and model checks
    show instead of "Constraint … is violated"."""
    for model in models:
        for constraint in model._meta.constraints:
            constraint.violation_error_message = REFUSALS.get(constraint.name, UNKNOWN_RULE)
