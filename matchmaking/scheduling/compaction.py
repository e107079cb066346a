"""Local search that makes participants' days compact without losing a meeting.

Moves only change slots, so the meetings placed and who has one stay as they were:

- relocate one meeting to a slot both sides share and have free;
- eject: move a meeting into a slot where one side is held by another movable meeting,
  which moves on to its best free shared slot (the slot just vacated included, which
  makes the move a swap of two meetings).

Between batches of moves, a request left out that now fits is placed: directly, by
ejecting one meeting, by a chain of two ejections (each ejected meeting ejecting those
in its way in turn), or, when a side has no free slot at all, by an exchange: a meeting
of that side is dropped for it, and a request left out of the dropped meeting's other
side takes its place, so one meeting more and nobody loses their last one. The count
placed can only rise.

The objective, per participant: a day split by an idle gap longer than `LONG_GAP`
slots (see `model.largest_idle_gaps` for what is idle), then a day with a stretch that
long between meetings even counting sessions and blocked slots as idle (two meetings
around a session are fine, yet an hour's wait next to it is still worth avoiding),
then idle slots beyond the allowance, then all idle slots. Each participant-day is a
bit mask of its meetings, so a move is scored by re-evaluating the few participants it
touches: 15,000-25,000 moves a second on the bench instances. Simulated annealing lets
the search cross small worsening steps; the best schedule seen is returned.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Mapping, Sequence

from .control import Deadline
from .model import Instance

# An idle gap longer than this splits a participant's day noticeably.
LONG_GAP = 2
# Weights of the objective: a split day counts most, a stretched one less; each idle
# slot beyond the allowance leads the search towards closing a gap; plain idle time
# breaks ties.
_SPLIT_DAY = 60
_STRETCHED_DAY = 20
_EXCESS = 6
# Annealing temperatures, in objective units, at the start and the end of the budget.
_HOT, _COLD = 3.0, 0.05
_BATCH = 200  # moves between clock readings
_NOWHERE = -1  # slot of a request left out
# Seconds between looks at the requests left out: few ever fit, and on large instances
# a look costs as much as a batch of moves.
_PLACE_EVERY = 0.25
# Share of moves that take a meeting next to another meeting of the participant.
_NEXT_TO_MEETING = 0.5
# Moves tried without finding a better schedule, per possible move, before giving up.
_PATIENCE = 5
# Meetings a request left out may shift in a chain to find room, and the most ejections
# tried per request: enough for the dense bench instance, a few milliseconds each.
_CHAIN_DEPTH = 2
_CHAIN_NODES = 300
# Seconds each look during the search may spend on exchanges (see _exchange): they
# cost more than a batch of moves, and the look comes back every _PLACE_EVERY, so this
# is a tenth of the search's time at most (and nothing once the bound is reached).
_EXCHANGE_SECONDS = 0.025


class Compactor:
    """Mutable schedule state with incremental scoring; see the module docstring."""

    def __init__(
        self,
        instance: Instance,
        placements: Mapping[str, str],
        movable: Mapping[str, Sequence[str]],
        *,
        seed: int = 0,
    ) -> None:
        self._rng = random.Random(seed)
        ordered = sorted(instance.slots, key=lambda slot: slot.order)
        self._slot_ids = [slot.id for slot in ordered]
        rank = {slot.id: position for position, slot in enumerate(ordered)}
        days = sorted({slot.day for slot in ordered})
        day_position = {day: position for position, day in enumerate(days)}
        self._day = [day_position[slot.day] for slot in ordered]
        self._bit = [1 << slot.index for slot in ordered]
        people = [p.id for p in instance.participants]
        person = {pid: position for position, pid in enumerate(people)}
        self._idle_mask = [[0] * len(days) for _ in people]
        for participant in instance.participants:
            masks = self._idle_mask[person[participant.id]]
            for slot_id in participant.available:
                masks[self._day[rank[slot_id]]] |= self._bit[rank[slot_id]]
        # Placed requests first, then those left out that have a slot to choose from.
        self._request_ids = list(placements)
        self._request_ids += [r for r, s in movable.items() if s and r not in placements]
        self._parties = [
            tuple(person[p] for p in instance.request_by_id[r].parties) for r in self._request_ids
        ]
        self._rank = rank
        self._requests_of: list[list[int]] = [[] for _ in people]
        for request, parties in enumerate(self._parties):
            for party in parties:
                self._requests_of[party].append(request)
        self._slot = [_NOWHERE] * len(self._request_ids)
        self._choices = [[rank[s] for s in movable.get(r, ())] for r in self._request_ids]
        self._busy = [[0] * len(days) for _ in people]
        self._at: list[dict[int, int]] = [{} for _ in people]
        self._memo: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        # Participants the next moves are drawn around (see _refresh_targets).
        self._idle_people: list[int] = []
        # Ejections a chain may still try, and the moves it made (see _chain_for).
        self._budget = 0
        self._journal: list[tuple[int, int]] = []
        self.reset(placements)

    def reset(self, placements: Mapping[str, str]) -> None:
        """Start again from `placements` of the same requests (a solver improved them)."""
        for request in range(len(self._slot)):
            self._unplace(request)
            self._slot[request] = _NOWHERE
        # Requests of each participant that may move, for picking moves around them.
        self._movable_of: list[list[int]] = [[] for _ in self._busy]
        self._left_out: set[int] = set()
        for request, request_id in enumerate(self._request_ids):
            slot_id = placements.get(request_id)
            if slot_id is None:
                self._left_out.add(request)
            else:
                self._insert(request, self._rank[slot_id])
        self._cost = [self._participant_cost(p) for p in range(len(self._busy))]
        self.total = sum(self._cost)
        # Participants whose meetings changed since place_left_out looked (None: everyone).
        self._touched: set[int] | None = None
        # Requests left out whose exchange a look had no time for.
        self._exchange_waiting: set[int] = set()

    # -- state ------------------------------------------------------------------------

    def placements(self) -> dict[str, str]:
        return {
            r: self._slot_ids[s]
            for r, s in zip(self._request_ids, self._slot, strict=True)
            if s != _NOWHERE
        }

    def placed(self) -> int:
        return len(self._request_ids) - len(self._left_out)

    def _insert(self, request: int, slot: int) -> None:
        self._place(request, slot)
        self._may_move(request)

    def _may_move(self, request: int) -> None:
        """A placed request is moved around its participants from now on."""
        if len(self._choices[request]) > 1:
            for party in self._parties[request]:
                self._movable_of[party].append(request)

    def _place(self, request: int, slot: int) -> None:
        self._slot[request] = slot
        if slot == _NOWHERE:
            return
        day, bit = self._day[slot], self._bit[slot]
        for party in self._parties[request]:
            self._busy[party][day] |= bit
            self._at[party][slot] = request

    def _unplace(self, request: int) -> None:
        slot = self._slot[request]
        if slot == _NOWHERE:
            return
        day, bit = self._day[slot], self._bit[slot]
        for party in self._parties[request]:
            self._busy[party][day] &= ~bit
            del self._at[party][slot]

    # -- scoring ----------------------------------------------------------------------

    def _day_stats(self, busy: int, idle_mask: int) -> tuple[int, int, int, int]:
        """Of one day: longest gap, idle slots beyond LONG_GAP per gap, idle slots, and
        the longest stretch between two meetings counting unavailable slots as idle."""
        key = (busy, idle_mask)
        stats = self._memo.get(key)
        if stats is None:
            longest = excess = idle = stretch = 0
            previous = -1
            index = 0
            while busy >> index:
                if busy >> index & 1:
                    if previous >= 0:
                        between = idle_mask & ((1 << index) - (1 << (previous + 1)))
                        gap = between.bit_count()
                        longest = max(longest, gap)
                        excess += max(0, gap - LONG_GAP)
                        idle += gap
                        stretch = max(stretch, index - previous - 1)
                    previous = index
                index += 1
            stats = self._memo[key] = (longest, excess, idle, stretch)
        return stats

    def _participant_cost(self, party: int) -> int:
        split = stretched = excess = idle = 0
        for busy, idle_mask in zip(self._busy[party], self._idle_mask[party], strict=True):
            if busy & (busy - 1):  # two meetings or more
                longest, day_excess, day_idle, stretch = self._day_stats(busy, idle_mask)
                split |= longest > LONG_GAP
                stretched |= stretch > LONG_GAP
                excess += day_excess
                idle += day_idle
        return _SPLIT_DAY * split + _STRETCHED_DAY * stretched + _EXCESS * excess + idle

    def split_days(self) -> int:
        """Participant-days with an idle gap longer than LONG_GAP."""
        return sum(
            self._day_stats(busy, idle_mask)[0] > LONG_GAP
            for party in range(len(self._cost))
            for busy, idle_mask in zip(self._busy[party], self._idle_mask[party], strict=True)
        )

    # -- moves ------------------------------------------------------------------------

    def _apply(self, moves: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Move each request to its slot; return the moves that undo it."""
        undo = [(request, self._slot[request]) for request, _ in moves]
        for request, _ in moves:
            self._unplace(request)
        for request, slot in moves:
            self._place(request, slot)
        return undo

    def _delta(self, moves: Sequence[tuple[int, int]]) -> tuple[int, dict[int, int]]:
        """Change of the objective if `moves` were applied, and the new costs."""
        touched = {party for request, _ in moves for party in self._parties[request]}
        undo = self._apply(moves)
        costs = {party: self._participant_cost(party) for party in touched}
        self._apply(undo)
        return sum(costs[p] - self._cost[p] for p in touched), costs

    def _commit(self, moves: Sequence[tuple[int, int]], costs: Mapping[int, int]) -> None:
        self._apply(moves)
        if self._touched is not None:
            self._touched.update(costs)
        for party, cost in costs.items():
            self.total += cost - self._cost[party]
            self._cost[party] = cost

    def _is_free(self, request: int, slot: int, vacated: int) -> bool:
        """Both sides free in `slot`, counting `vacated`'s current slot as free."""
        for party in self._parties[request]:
            holder = self._at[party].get(slot)
            if holder is not None and holder != vacated:
                return False
        return True

    def _blockers(self, request: int, slot: int) -> set[int]:
        """Meetings that hold a side of `request` in `slot`."""
        return {self._at[p].get(slot) for p in self._parties[request]} - {None}

    def _propose(self) -> tuple[int, list[tuple[int, int]], dict[int, int]] | None:
        """A random move around a participant with idle time, with its score change."""
        party = self._pick_participant()
        if party is None:
            return None
        candidates = self._movable_of[party]
        if not candidates:
            return None
        request = self._rng.choice(candidates)
        here = self._slot[request]
        target = self._target(party, request)
        if target == here:
            return None
        blockers = self._blockers(request, target)
        if not blockers:
            moves = [(request, target)]
            return self._scored(moves)
        if len(blockers) > 1:
            return None
        (blocker,) = blockers
        if len(self._choices[blocker]) < 2:
            return None
        best = None
        for onward in self._choices[blocker]:
            if onward == target:
                continue
            # `request` leaves `here`, so that slot is free for the blocker's sides.
            if onward != here and not self._is_free(blocker, onward, -1):
                continue
            if onward == here and not self._is_free(blocker, here, request):
                continue
            scored = self._scored([(request, target), (blocker, onward)])
            if best is None or scored[0] < best[0]:
                best = scored
        return best

    def _target(self, party: int, request: int) -> int:
        """A slot for `request`: mostly one next to another meeting of `party`, which is
        what closes a gap; else any of its slots."""
        choices = self._choices[request]
        if self._rng.random() < _NEXT_TO_MEETING:
            busy = self._busy[party]
            beside = [
                slot
                for slot in choices
                if (busy[self._day[slot]] << 1 | busy[self._day[slot]] >> 1) & self._bit[slot]
            ]
            if beside:
                return self._rng.choice(beside)
        return self._rng.choice(choices)

    def _scored(self, moves: list[tuple[int, int]]) -> tuple[int, list[tuple[int, int]], dict]:
        delta, costs = self._delta(moves)
        return delta, moves, costs

    def _pick_participant(self) -> int | None:
        if not self._idle_people:
            return None
        return self._rng.choice(self._idle_people)

    def _refresh_targets(self) -> None:
        """Participants to move meetings around: mostly those with a long gap or
        stretch (nothing else costs that much), else any with idle time."""
        long = [p for p, cost in enumerate(self._cost) if cost >= _STRETCHED_DAY]
        idle = [p for p, cost in enumerate(self._cost) if cost > 0]
        self._idle_people = long if long and self._rng.random() < 0.8 else idle

    # -- search -----------------------------------------------------------------------

    def run(
        self,
        deadline: Deadline,
        on_tick: Callable[[dict[str, str]], object] | None = None,
        *,
        upper_bound: int | None = None,
    ) -> dict[str, str]:
        """Anneal until `deadline`; return the best placements seen.

        Between batches of moves, requests left out that now fit are placed: moving
        meetings around can open a slot for them. Placing never undoes a meeting, so
        the best schedule seen also has the most meetings. The search ends early once
        nothing is left to improve, or when it has tried every possible move several
        times over without finding a better schedule (a small re-plan gets there fast).
        """
        seconds = deadline.remaining()
        started = time.monotonic()
        # The best schedule is copied only when the search leaves it for a worse one.
        best_total, best, at_best = self.total, None, True
        self._refresh_targets()
        next_placing, stale = 0.0, 0
        patience = _PATIENCE * sum(len(c) for c in self._choices if len(c) > 1) + _BATCH
        while True:
            elapsed = time.monotonic() - started
            if elapsed >= next_placing:
                next_placing = elapsed + _PLACE_EVERY
                # Exchanges can only place more: at the bound they are not worth their time.
                at_bound = upper_bound is not None and self.placed() >= upper_bound
                exchanges = deadline.within(0 if at_bound else _EXCHANGE_SECONDS)
                if self.place_left_out(exchanges) | self.meet_everyone():
                    # More meetings or more people met: this is the best from now on.
                    best_total, best, at_best, stale = self.total, None, True, 0
                if on_tick is not None:
                    on_tick(self.placements())
            if deadline.remaining() <= 0 or not self._idle_people or stale > patience:
                break
            temperature = _HOT * (_COLD / _HOT) ** min(1.0, elapsed / max(seconds, 1e-9))
            for _ in range(_BATCH):
                stale += 1
                proposal = self._propose()
                if proposal is None:
                    continue
                delta, moves, costs = proposal
                if delta <= 0 or self._rng.random() < math.exp(-delta / temperature):
                    if at_best and self.total + delta > best_total:
                        best, at_best = list(self._slot), False
                    self._commit(moves, costs)
                    if self.total < best_total:
                        best_total, at_best, stale = self.total, True, 0
            self._refresh_targets()
        if not at_best and best is not None:
            self._restore(best)
        return self.placements()

    def meet_everyone(self) -> bool:
        """Give participants without a meeting one, in the place of a meeting whose
        other side keeps a meeting of their own: as many meetings, fewer people left out.
        """
        changed = False
        for person, requests in enumerate(self._requests_of):
            if self._at[person]:
                continue
            best = None
            for request in requests:
                if request not in self._left_out:
                    continue
                for target in self._choices[request]:
                    blockers = self._blockers(request, target)
                    if not blockers:
                        moves = [(request, target)]
                    elif len(blockers) == 1:
                        (blocker,) = blockers
                        # A confirmed meeting (no choices) is never dropped, and nobody
                        # may be left without a meeting in exchange.
                        keeps = all(
                            len(self._at[p]) > 1 or p in self._parties[request]
                            for p in self._parties[blocker]
                        )
                        if not self._choices[blocker] or not keeps:
                            continue
                        moves = [(blocker, _NOWHERE), (request, target)]
                    else:
                        continue
                    scored = self._scored(moves)
                    if best is None or (len(scored[1]), scored[0]) < (len(best[1]), best[0]):
                        best = scored
            if best is not None:
                _, moves, costs = best
                self._commit(moves, costs)
                for request, slot in moves:
                    if slot == _NOWHERE:
                        self._leave_out(request)
                    else:
                        self._left_out.discard(request)
                        self._may_move(request)
                changed = True
        return changed

    def place_left_out(self, exchanges: Deadline) -> bool:
        """Place each request left out that fits, directly, by ejecting one meeting or
        a short chain of them, or, until `exchanges` passes, by an exchange.

        After the first look only requests of participants whose meetings changed since
        are looked at again (the others cannot have found room, near enough), and those
        whose exchange the last look had no time for.
        """
        placed = False
        touched, self._touched = self._touched, set()
        for request in sorted(self._left_out):
            # An exchange may have placed it since the loop began.
            if request not in self._left_out:
                continue
            waiting = request in self._exchange_waiting
            if not waiting and touched is not None and touched.isdisjoint(self._parties[request]):
                continue
            # A side with no free slot at all cannot make room: a meeting moved aside
            # would need a slot where that side is free. Only an exchange can help.
            if not all(map(self._has_free_slot, self._parties[request])):
                if exchanges.remaining() > 0:
                    self._exchange_waiting.discard(request)
                    placed |= self._exchange(request)
                else:
                    self._exchange_waiting.add(request)
                continue
            if waiting:
                self._exchange_waiting.discard(request)
            best = None
            for target in self._choices[request]:
                blockers = self._blockers(request, target)
                if not blockers:
                    moves = [(request, target)]
                elif len(blockers) == 1:
                    (blocker,) = blockers
                    onward = next(
                        (s for s in self._choices[blocker] if self._is_free(blocker, s, -1)), None
                    )
                    if onward is None:
                        continue
                    moves = [(blocker, onward), (request, target)]
                else:
                    continue
                scored = self._scored(moves)
                if best is None or scored[0] < best[0]:
                    best = scored
            if best is None:
                moves = self._chain_for(request)
                if moves:
                    best = self._scored(moves)
            if best is not None:
                _, moves, costs = best
                self._commit(moves, costs)
                self._left_out.discard(request)
                self._may_move(request)
                placed = True
        return placed

    def _leave_out(self, request: int) -> None:
        self._left_out.add(request)
        for party in self._parties[request]:
            if request in self._movable_of[party]:
                self._movable_of[party].remove(request)

    def _exchange(self, request: int) -> bool:
        """Place `request`, a side of which has no free slot, in the slot of a meeting
        that is dropped for it, when a request left out of that meeting's other side
        then finds room: one meeting more, and everybody keeps a meeting."""
        found = self._exchange_for(request)
        if found is None:
            return False
        dropped, instead, moves = found
        self._commit(moves, self._delta(moves)[1])
        self._leave_out(dropped)
        for placed in (request, instead):
            self._left_out.discard(placed)
            self._may_move(placed)
        return True

    def _exchange_for(self, request: int) -> tuple[int, int, list[tuple[int, int]]] | None:
        """The meeting dropped, the request placed instead and the moves (see
        `_exchange`); None when no such exchange is found within `_CHAIN_NODES`."""
        self._journal = []
        self._budget = _CHAIN_NODES
        targets = list(self._choices[request])
        self._rng.shuffle(targets)
        for target in targets:
            blockers = self._blockers(request, target)
            if not blockers or not all(self._choices[b] for b in blockers):
                continue
            for dropped in blockers:
                freed = [p for p in self._parties[dropped] if p not in self._parties[request]]
                for blocker in blockers:
                    self._move(blocker, _NOWHERE)
                self._move(request, target)
                others = [b for b in blockers if b != dropped]
                if freed and all(self._shift(b, _CHAIN_DEPTH - 1) for b in others):
                    for instead in self._requests_of[freed[0]]:
                        if self._budget <= 0:
                            break
                        waiting = instead in self._left_out and instead != request
                        if waiting and self._shift(instead, _CHAIN_DEPTH - 1):
                            return dropped, instead, self._journal_moves()
                self._rollback(0)
                if self._budget <= 0:
                    return None
        return None

    def _journal_moves(self) -> list[tuple[int, int]]:
        """The moves the journal holds, as (request, slot now); then rolled back."""
        moved = dict.fromkeys(r for r, _ in self._journal)
        moves = [(r, self._slot[r]) for r in moved]
        self._rollback(0)
        return moves

    def _chain_for(self, request: int) -> list[tuple[int, int]]:
        """Moves that place `request` by shifting a chain of meetings, each ejected
        meeting ejecting those in its way in turn, up to `_CHAIN_DEPTH` deep; empty when
        none is found.

        One meeting ejected (above) is not always enough on dense instances, where
        every slot a side shares is held. The state is changed tentatively and rolled
        back; the caller commits the moves.
        """
        self._journal = []
        self._budget = _CHAIN_NODES
        found = self._shift(request, _CHAIN_DEPTH)
        moves = self._journal_moves()
        return moves if found else []

    def _shift(self, request: int, depth: int) -> bool:
        """Place the unplaced `request`, ejecting the meetings in the way, which shift
        on in turn. On failure the state is as it was."""
        self._budget -= 1
        targets = list(self._choices[request])
        self._rng.shuffle(targets)
        for target in targets:
            if not self._blockers(request, target):
                self._move(request, target)
                return True
        if depth == 0:
            return False
        for target in targets:
            if self._budget <= 0:
                return False
            blockers = self._blockers(request, target)
            if not all(self._choices[b] for b in blockers):
                continue  # confirmed meetings stay
            mark = len(self._journal)
            for blocker in blockers:
                self._move(blocker, _NOWHERE)
            self._move(request, target)
            if all(self._shift(blocker, depth - 1) for blocker in blockers):
                return True
            self._rollback(mark)
        return False

    def _move(self, request: int, slot: int) -> None:
        self._journal.append((request, self._slot[request]))
        self._unplace(request)
        self._place(request, slot)

    def _rollback(self, mark: int) -> None:
        while len(self._journal) > mark:
            request, slot = self._journal.pop()
            self._unplace(request)
            self._place(request, slot)

    def _has_free_slot(self, party: int) -> bool:
        return any(
            available & ~busy
            for available, busy in zip(self._idle_mask[party], self._busy[party], strict=True)
        )

    def _restore(self, slots: list[int]) -> None:
        for request in range(len(self._slot)):
            self._unplace(request)
        for request, slot in enumerate(slots):
            self._place(request, slot)
        self._cost = [self._participant_cost(p) for p in range(len(self._cost))]
        self.total = sum(self._cost)
