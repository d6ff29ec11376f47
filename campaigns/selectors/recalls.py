"""Call again: who is left to call, worked out before anything is created.

Laaffic's resend (voice/group/call/resend) calls its own copy of the first run's numbers: all
of them (`resendType` 0), or those it called without an answer (1). It cannot leave out a
number put on the do-not-call list since, and it never calls the numbers a cancelled task did
not reach. So a re-call goes through the resend only when the resend calls exactly the numbers
left; otherwise it is a new group call with exactly those numbers (a callee list of its own,
copied from the first run's with each callee's texts).

"Not reached" is read from the call records: a number is reached when one of its calls was
answered (voicemail, busy, no answer and failed calls are not). The records are complete when
they name at least as many numbers as Laaffic says it called; a number with no record is then
one Laaffic never called. Without complete records only Laaffic's own counts are known.

A campaign launched in parts is several tasks: its records are its parts', its counts their sums
(services/parts.py), and no single resend can call them again, so its re-call is always a new group
call (itself sent in parts when it is over the per-task limit).

Everything is counted in the database, in a fixed number of queries whatever the list's size (issue 11's
page target: a 100,000-callee list): each count is a semi-join on the number (EXISTS: a hash join on
PostgreSQL, a lookup in the index call_record_campaign_number on SQLite), and the callees of a new group
call are chosen by anti-joins (NOT EXISTS). They are read only when the new run is created
(`RecallPlan.callees`, a query until then).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from ..models import CallRecord, Callee, Campaign, SuppressedNumber


@dataclass
class RecallPlan:
    count: int | None  # numbers that will be called; None when that cannot be known yet
    resend: bool  # through Laaffic's resend of the first run; else a new group call
    details: str = ""  # who they are
    refusal: str = ""  # why nobody is called (nobody left, results missing)
    callees: QuerySet | None = None  # a new group call's callees, in list order (not read until used)

    @property
    def explanation(self) -> str:
        how = ("Laaffic calls them again from its copy of the first run." if self.resend
               else "Sent as a new group call with exactly these numbers and their texts.")
        return f"{self.details[:1].upper()}{self.details[1:]}. {how}" if self.details else how

    @property
    def summary(self) -> str:
        """One sentence for the command and the admin's message."""
        return self.refusal or f"{_numbers(self.count)}: {self.explanation}"


def recall_plan(parent: Campaign, *, failed_only: bool) -> RecallPlan:
    """Who Call again on `parent` calls: every number of its run, or only those not reached."""
    return recall_plans(parent)[failed_only]


def recall_plans(parent: Campaign) -> dict[bool, RecallPlan]:
    """Both choices, keyed by failed_only (not reached first), from six counting queries."""
    facts = _Facts.count(parent)
    return {True: facts.not_reached(), False: facts.everyone()}


@dataclass
class _Group:
    """Some numbers of the parent's list: how many, how many of them are on the do-not-call list, and
    which (a condition on Callee)."""
    size: int
    blocked: int
    who: Q | Exists


@dataclass
class _Facts:
    """Counts over the parent's list L, the do-not-call numbers of it B, the numbers with a call record of
    the parent C and those with an answered call R (R is within C)."""
    parent: Campaign
    listed: int  # |L|
    listed_called: int  # |L ∩ C|
    listed_reached: int  # |L ∩ R|
    blocked: int  # |B|
    blocked_called: int  # |B ∩ C|
    blocked_reached: int  # |B ∩ R|
    called: int  # |C|, numbers not on the list too
    reached: int  # |R|

    @staticmethod
    def count(parent: Campaign) -> _Facts:
        callees, calls = _callees(parent), parent.calls().order_by()
        blocked = callees.filter(_blocked())
        blocked_calls = calls.filter(callee_number__in=blocked.values("number"))
        return _Facts(parent, listed=callees.count(), listed_called=callees.filter(_called(parent)).count(),
                      listed_reached=callees.filter(_reached(parent)).count(), blocked=blocked.count(),
                      **blocked_calls.aggregate(**_distinct("blocked")), **calls.aggregate(**_distinct("")))

    @property
    def complete(self) -> bool:
        return self.parent.numbers_called is not None and self.called >= self.parent.numbers_called

    @property
    def all_called(self) -> bool:
        return self.parent.numbers_total is not None and self.parent.numbers_called == self.parent.numbers_total

    @property
    def resendable(self) -> bool:
        """Laaffic's resend can call the numbers again: one task holds them all."""
        return not self.parent.is_split

    def run(self) -> _Group | None:
        """The numbers of the parent's run: its list, unless it was itself a resend (Laaffic's copy)."""
        if not self.parent.is_resend:
            return self._listed()
        if self.complete and self.all_called:
            return self._listed_called()
        return None

    def _listed(self) -> _Group:
        return _Group(self.listed, self.blocked, Q())

    def _listed_called(self) -> _Group:
        return _Group(self.listed_called, self.blocked_called, _called(self.parent))

    def everyone(self) -> RecallPlan:
        run = self.run()
        if run is None:  # a resend whose numbers only Laaffic knows: safe while none is blocked
            if self.blocked:
                return self._missing_results("to leave out the numbers on the do-not-call list")
            return RecallPlan(self.parent.numbers_total, True, "every number of the first run")
        left = run.size - run.blocked
        if not left:
            return _nobody(f"every number of “{self.parent.callee_list}” is on the do-not-call list.")
        if not run.blocked and self.resendable:
            return RecallPlan(self.parent.numbers_total or run.size, True, "every number of the first run")
        if not run.blocked:
            return self._send(left, run.who, "every number of the first run")
        return self._send(left, run.who, f"every number of the first run except {_on_the_list(run.blocked)}")

    def not_reached(self) -> RecallPlan:
        parent = self.parent
        if not self.complete:
            unsure = self.blocked - self.blocked_reached  # on the do-not-call list and not reached
            if self.all_called and parent.numbers_failed == 0:
                return _nobody("Laaffic reached every number it called.")
            if self.all_called and parent.numbers_failed and not unsure and self.resendable:
                return RecallPlan(parent.numbers_failed, True, "those Laaffic counts as not reached (not every "
                                                               "call's result is in yet)")
            why = ("to leave out the numbers on the do-not-call list" if unsure
                   else "to call the numbers never called" if self.resendable
                   else "to know who was not reached: its parts are several tasks, which no single resend covers")
            return self._missing_results(why)
        # The run's numbers not reached (R is within C, so those of L ∩ C were all called).
        if parent.is_resend:
            run = self._listed_called()
            unreached = _Group(self.listed_called - self.listed_reached, self.blocked_called - self.blocked_reached,
                               run.who & ~_reached(parent))
            never = 0
        else:
            unreached = _Group(self.listed - self.listed_reached, self.blocked - self.blocked_reached,
                               ~_reached(parent))
            never = (self.listed - self.listed_called) - (self.blocked - self.blocked_called)
        left = unreached.size - unreached.blocked
        if not left:
            blocked = " or is on the do-not-call list" if unreached.size else ""
            return _nobody(f"every number was reached{blocked}.")
        # What Laaffic's resendType 1 calls: the numbers it called without an answer (all of C - R, and only
        # them: none left was never called, and as many are left as C - R holds).
        if not never and left == self.called - self.reached and self.resendable:
            return RecallPlan(left, True, "called without an answer")
        parts = [f"{left - never:,} called without an answer" if left > never else "",
                 f"{never:,} never called" if never else "",
                 f"{_on_the_list(unreached.blocked)} left out" if unreached.blocked else ""]
        return self._send(left, unreached.who, ", ".join(part for part in parts if part))

    def _send(self, count, who, details) -> RecallPlan:
        callees = _callees(self.parent).filter(who).exclude(_blocked()).order_by("id")
        return RecallPlan(count, False, details, callees=callees)

    def _missing_results(self, why) -> RecallPlan:
        made = self.parent.numbers_called
        known = (f"The site has the results of {self.called:,} of the {made:,} calls Laaffic made"
                 if made is not None else "Laaffic has not said yet how many calls it made")
        return RecallPlan(None, False, refusal=(
            f"{known}, and needs every result {why}. Use “Fetch call results from Laaffic” on "
            f"{self.parent}, then call again."))


def _callees(parent: Campaign) -> QuerySet:
    return Callee.objects.filter(callee_list_id=parent.callee_list_id).order_by()


def _called(parent: Campaign) -> Exists:
    """The callee's number has a call record of the parent."""
    return Exists(parent.calls().filter(callee_number=OuterRef("number")))


def _reached(parent: Campaign) -> Exists:
    """One of the calls to the callee's number was answered."""
    return Exists(parent.calls().filter(callee_number=OuterRef("number"), outcome=CallRecord.Outcome.ANSWERED))


def _blocked() -> Exists:
    return Exists(SuppressedNumber.objects.filter(number=OuterRef("number")))


def _distinct(prefix: str) -> dict:
    """The numbers called and those answered among some call records, as `_Facts` names them."""
    name = f"{prefix}_" if prefix else ""
    return {f"{name}called": Count("callee_number", distinct=True),
            f"{name}reached": Count("callee_number", distinct=True,
                                    filter=Q(outcome=CallRecord.Outcome.ANSWERED))}


def _on_the_list(count: int) -> str:
    return f"{count:,} on the do-not-call list"


def _nobody(why: str) -> RecallPlan:
    return RecallPlan(0, False, refusal=f"Nobody left to call: {why}")


def _numbers(count: int | None) -> str:
    return "The numbers" if count is None else f"{count:,} number{'s' if count != 1 else ''}"
