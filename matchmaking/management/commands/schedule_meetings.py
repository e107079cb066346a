"""Plan meetings for every accepted request of a tour, show the plan, and save it on confirmation."""

import zoneinfo

from django.core.management.base import BaseCommand, CommandError

from ...models import Tour
from ...services import DomainError
from ...services.scheduling import SchedulePlan, apply_schedule, plan_schedule
from ...timezones import place_of


def _times(moment, zones) -> str:
    """In the tandems' zone with its date, then the partners' clock time."""
    home, other = (moment.astimezone(zone) for zone in zones)
    return f"{home:%Y-%m-%d %H:%M} {place_of(zones[0])} / {other:%H:%M} {place_of(zones[1])}"


def report_lines(plan: SchedulePlan, tour: Tour) -> list[str]:
    zones = [zoneinfo.ZoneInfo(tour.tandem_time_zone), zoneinfo.ZoneInfo(tour.partner_time_zone)]
    lines = [
        f"Meeting schedule for {plan.tour_name} "
        f"(time limit {plan.time_limit:g} s, moves {'allowed' if plan.allow_moves else 'not allowed'})",
        f"Placed: {plan.placed} of at most {plan.upper_bound} "
        f"({'proven optimal' if plan.optimal else 'not proven optimal'}): "
        f"{plan.kept} kept, {len(plan.new)} new, {len(plan.moves)} moved, "
        f"{len(plan.unplaced)} not placed",
    ]
    if plan.new:
        lines.append("New meetings:")
        lines += [f"  {_times(m.starts_at, zones)}  {m.tandem} ↔ {m.institution}" for m in plan.new]
    if plan.moves:
        lines.append("Moved meetings:")
        lines += [
            f"  {m.tandem} ↔ {m.institution}: {_times(m.previous_start, zones)} → "
            f"{_times(m.starts_at, zones)}"
            for m in plan.moves
        ]
    if plan.unplaced:
        lines.append("Not placed:")
        lines += [f"  {u.tandem} ↔ {u.institution}: {u.explanation}" for u in plan.unplaced]
    lines.append("Meetings per participant (fewest first):")
    lines += [f"  {row.meetings:3d}  {row.name}" for row in plan.per_participant]
    if plan.without_meeting:
        lines.append("Could meet someone but have no meeting: " + ", ".join(plan.without_meeting))
    if plan.warnings:
        lines.append("Warnings:")
        lines += [f"  {warning}" for warning in plan.warnings]
    return lines


class Command(BaseCommand):
    help = (
        "Place every accepted request of a tour that has no meeting yet, with the optimiser. "
        "Shows the plan first and saves it only when confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tour", required=True, help="the tour's slug")
        parser.add_argument(
            "--time-limit", type=float, default=10.0, help="seconds the optimiser may use"
        )
        parser.add_argument("--dry-run", action="store_true", help="show the plan, save nothing")
        parser.add_argument(
            "--allow-moves",
            action="store_true",
            help="let scheduled meetings move when that places more meetings",
        )
        parser.add_argument("--yes", action="store_true", help="save without asking")

    def handle(self, *args, **options):
        tour = Tour.objects.filter(slug=options["tour"]).first()
        if tour is None:
            known = ", ".join(Tour.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no tour with the slug {options['tour']!r}. Known tours: {known or '-'}."
            )
        try:
            plan = plan_schedule(
                tour=tour, time_limit=options["time_limit"], allow_moves=options["allow_moves"]
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("\n".join(report_lines(plan, tour)))
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
            return
        if not plan.changes:
            self.stdout.write("Nothing to save: no meeting is new or moved.")
            return
        if not options["yes"] and not self._confirmed():
            self.stdout.write("Nothing was saved.")
            return
        try:
            apply_schedule(actor=None, plan=plan)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Saved: {len(plan.new)} new meetings, {len(plan.moves)} moved meetings."
            )
        )

    def _confirmed(self) -> bool:
        try:
            answer = input("Save this schedule? [y/N] ")
        except EOFError as exc:
            raise CommandError(
                "No answer could be read; run again with --yes to save without asking."
            ) from exc
        return answer.strip().lower() in ("y", "yes")
