"""Call again's plans worked out in Python, as the selector did before issue 11's page target: every
number of the list, of the do-not-call list, of the records and of the answered ones read into sets.
Kept as the reference the counting selector (campaigns/selectors/recalls.py) is checked against
(tests/selectors/test_recall_counts.py); not used by the site."""
from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import CallRecord, Callee, Campaign, SuppressedNumber
from campaigns.selectors.recalls import RecallPlan, _nobody


def recall_plans(parent: Campaign) -> dict[bool, RecallPlan]:
    """Both choices, keyed by failed_only (not reached first), from one read of the list, the
    do-not-call list, the records and the answered ones among them."""
    callees = dict(Callee.objects.filter(callee_list_id=parent.callee_list_id).order_by("id")
                   .values_list("number", "id"))
    blocked = set(SuppressedNumber.objects.filter(number__in=Callee.objects.filter(
        callee_list_id=parent.callee_list_id).values("number")).values_list("number", flat=True))
    records = parent.calls().order_by()
    called = set(records.values_list("callee_number", flat=True))
    reached = set(records.filter(outcome=CallRecord.Outcome.ANSWERED).values_list("callee_number", flat=True))
    facts = _Facts(parent, callees, blocked, called, reached)
    return {True: facts.not_reached(), False: facts.everyone()}


@dataclass
class _Facts:
    parent: Campaign
    callees: dict[str, int]  # number -> callee id, in list order
    blocked: set[str]  # numbers of the list on the do-not-call list
    called: set[str]  # numbers with a call record of the parent
    reached: set[str]  # numbers with an answered call

    @property
    def complete(self) -> bool:
        return self.parent.numbers_called is not None and len(self.called) >= self.parent.numbers_called

    @property
    def all_called(self) -> bool:
        return self.parent.numbers_total is not None and self.parent.numbers_called == self.parent.numbers_total

    @property
    def resendable(self) -> bool:
        """Laaffic's resend can call the numbers again: one task holds them all."""
        return not self.parent.is_split

    def run(self) -> list[str] | None:
        """The numbers of the parent's run: its list, unless it was itself a resend (Laaffic's copy)."""
        if not self.parent.is_resend:
            return list(self.callees)
        if self.complete and self.all_called:
            return [number for number in self.callees if number in self.called]
        return None

    def everyone(self) -> RecallPlan:
        run = self.run()
        if run is None:  # a resend whose numbers only Laaffic knows: safe while none is blocked
            if self.blocked:
                return self._missing_results("to leave out the numbers on the do-not-call list")
            return RecallPlan(self.parent.numbers_total, True, "every number of the first run")
        left = [number for number in run if number not in self.blocked]
        if not left:
            return _nobody(f"every number of “{self.parent.callee_list}” is on the do-not-call list.")
        if len(left) == len(run) and self.resendable:
            return RecallPlan(self.parent.numbers_total or len(run), True, "every number of the first run")
        if len(left) == len(run):
            return self._send(left, "every number of the first run")
        return self._send(left, f"every number of the first run except {self._blocked(run)}")

    def not_reached(self) -> RecallPlan:
        parent = self.parent
        if not self.complete:
            unsure = self.blocked - self.reached
            if self.all_called and parent.numbers_failed == 0:
                return _nobody("Laaffic reached every number it called.")
            if self.all_called and parent.numbers_failed and not unsure and self.resendable:
                return RecallPlan(parent.numbers_failed, True, "those Laaffic counts as not reached (not every "
                                                               "call's result is in yet)")
            why = ("to leave out the numbers on the do-not-call list" if unsure
                   else "to call the numbers never called" if self.resendable
                   else "to know who was not reached: its parts are several tasks, which no single resend covers")
            return self._missing_results(why)
        run = self.run() or [number for number in self.callees if number in self.called]
        unreached = [number for number in run if number not in self.reached]
        left = [number for number in unreached if number not in self.blocked]
        if not left:
            blocked = " or is on the do-not-call list" if unreached else ""
            return _nobody(f"every number was reached{blocked}.")
        # What Laaffic's resendType 1 calls: the numbers it called without an answer.
        if set(left) == self.called - self.reached and self.resendable:
            return RecallPlan(len(left), True, "called without an answer")
        never, blocked = sum(number not in self.called for number in left), self._blocked(unreached)
        parts = [f"{len(left) - never:,} called without an answer" if len(left) > never else "",
                 f"{never:,} never called" if never else "", f"{blocked} left out" if blocked else ""]
        return self._send(left, ", ".join(part for part in parts if part))

    def _blocked(self, numbers) -> str:
        count = sum(number in self.blocked for number in numbers)
        return f"{count:,} on the do-not-call list" if count else ""

    def _send(self, left, details) -> RecallPlan:
        return RecallPlan(len(left), False, details, callees=[self.callees[number] for number in left])

    def _missing_results(self, why) -> RecallPlan:
        made = self.parent.numbers_called
        known = (f"The site has the results of {len(self.called):,} of the {made:,} calls Laaffic made"
                 if made is not None else "Laaffic has not said yet how many calls it made")
        return RecallPlan(None, False, refusal=(
            f"{known}, and needs every result {why}. Use “Fetch call results from Laaffic” on "
            f"{self.parent}, then call again."))
