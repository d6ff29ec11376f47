"""A campaign's state in one sentence for a marketing person: the site's status, Laaffic's status,
progress and counts read together, never shown side by side.

Each state is a set of (site status, Laaffic status) pairs; the sentence, the filter of the
campaigns page and the home page's sections all read STATES.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils import timezone

from .. import rules
from ..laaffic.codes import ProviderStatus
from ..models import Campaign
from ..services.campaigns import campaign_problems
from .lists import callee_counts

Status = Campaign.Status
ANY = object()  # any Laaffic status, or none yet


@dataclass(frozen=True)
class State:
    label: str
    tone: str  # Bootstrap's colour of its badge
    pairs: tuple  # (site status, Laaffic status or None or ANY)

    @property
    def q(self) -> Q:
        return reduce(or_, (Q(status=status) if provider is ANY else Q(status=status, provider_status=provider)
                            for status, provider in self.pairs))

    def holds(self, campaign: Campaign) -> bool:
        return any(campaign.status == status and (provider is ANY or campaign.provider_status == provider)
                   for status, provider in self.pairs)


def sent(*providers) -> tuple:
    """The pairs of a campaign Laaffic accepted in these statuses: one task, or one launched in parts,
    which carries its parts' sums (services/parts.py)."""
    return tuple((status, provider) for status in (Status.SUBMITTED, Status.PARTS) for provider in providers)


STATES = {
    "draft": State("Draft", "secondary", ((Status.DRAFT, ANY),)),
    "launching": State("Launching", "info", ((Status.QUEUED, ANY), (Status.SUBMITTING, ANY),
                                             *sent(None, ProviderStatus.SUBMITTING))),
    "waiting": State("Waiting", "info", sent(ProviderStatus.WAITING)),
    "calling": State("Calling", "primary", sent(ProviderStatus.CALLING, ProviderStatus.PAUSED)),
    "finished": State("Finished", "success", sent(ProviderStatus.FINISHED)),
    "cancelled": State("Cancelled", "dark", sent(ProviderStatus.CANCELLED)),
    "failed": State("Failed", "danger", ((Status.FAILED, ANY), (Status.UNKNOWN, ANY),
                                         *sent(ProviderStatus.SUBMISSION_FAILED))),
}
RUNNING = ("launching", "waiting", "calling")  # what the home page follows live


def campaign_state(campaign: Campaign) -> str:
    return next((key for key, state in STATES.items() if state.holds(campaign)), "failed")


@dataclass(frozen=True)
class StatusWords:
    state: str  # a key of STATES
    text: str  # "Calling – 4,210 of 10,000 called"
    tone: str
    advice: str = ""  # what to do about it, when something must be done

    @property
    def label(self) -> str:
        return STATES[self.state].label


def campaign_status(campaign: Campaign, problems: list[rules.Problem] | None = None) -> StatusWords:
    """`campaign`'s one status in words. `problems`: what stops a draft being launched (draft_problems)."""
    state = campaign_state(campaign)
    tone = STATES[state].tone
    called = _called(campaign)
    if state == "draft":
        if campaign.is_waiting_for_approval:
            return StatusWords(state, "Draft – waiting for approval", "info")
        if problems is None:
            return StatusWords(state, "Draft", tone)
        if not problems:
            return StatusWords(state, "Draft – ready for review", "secondary")
        count = len(problems)
        return StatusWords(state, f"Draft – {count} thing{'s' if count != 1 else ''} to fix", "warning")
    if state == "launching":
        if campaign.status == Status.QUEUED:
            return StatusWords(state, "Launching – waiting to be sent to Laaffic", tone)
        if campaign.status == Status.SUBMITTING:
            return StatusWords(state, "Launching – being sent to Laaffic", tone)
        if campaign.status == Status.PARTS and campaign.provider_status is None:
            return StatusWords(state, f"Launching in parts – {campaign.status_detail}", tone)
        return StatusWords(state, "Launched – waiting for Laaffic's first report", tone)
    if state == "waiting":
        start = campaign.send_time
        if start and start > timezone.now():
            local = timezone.localtime(start)
            day = "" if local.date() == timezone.localdate() else f" on {local:%-d %b %Y}"
            return StatusWords(state, f"Waiting for its start at {local:%H:%M}{day}", tone)
        if campaign.calling_windows:
            return StatusWords(state, "Waiting for its calling window to open", tone)
        return StatusWords(state, "Waiting to start on Laaffic", tone)
    if state == "calling":
        paused = campaign.provider_status == ProviderStatus.PAUSED
        return StatusWords(state, f"{'Paused on Laaffic' if paused else 'Calling'} – {called}", tone,
                           "Laaffic paused it: ask Laaffic's support why." if paused else "")
    if state == "finished":
        rate = answer_rate(campaign)
        text = "Finished – nobody was called" if rate is None else f"Finished – {rate:.0f}% answered"
        return StatusWords(state, text, tone)
    if state == "cancelled":
        return StatusWords(state, f"Cancelled – {called}" if campaign.numbers_total else "Cancelled", tone)
    return _failed(campaign)


def _failed(campaign: Campaign) -> StatusWords:
    if campaign.status == Status.UNKNOWN:
        return StatusWords("failed", "Not sure it was sent – check before launching again", "warning",
                           "The site could not tell whether Laaffic got it. Look for it in Laaffic's console "
                           "before doing anything else; the site checks again by itself.")
    if campaign.status == Status.FAILED:
        return StatusWords("failed", "Failed – not sent: fix it and launch it again", "danger",
                           campaign.status_detail or "Laaffic refused it. Fix what is listed and launch it again.")
    return StatusWords("failed", "Failed on Laaffic – nothing was called", "danger",
                       "Laaffic could not set the task up. Ask Laaffic's support why before building it again.")


def _called(campaign: Campaign) -> str:
    if campaign.numbers_total is None:
        return "no counts from Laaffic yet"
    return f"{campaign.numbers_called or 0:,} of {campaign.numbers_total:,} called"


def answer_rate(campaign: Campaign) -> float | None:
    """Percent of the numbers called that answered, as Laaffic counts them."""
    if not campaign.numbers_called:
        return None
    return 100 * (campaign.numbers_success or 0) / campaign.numbers_called


# A callee that passes every rule: draft_problems checks a draft's settings, not each of its numbers.
_STAND_IN = [{"calleeNumber": "10000000000", **{name: "x" for name in rules.TEXT_FIELDS}}]


def draft_problems(campaigns) -> dict[int, list[rules.Problem]]:
    """What stops each draft being launched, from its settings and whether its list has numbers, in
    three queries however many drafts: each number is checked one by one at review (campaign_review).

    Select each campaign's voice file, SMS template and parent with it: they are read here."""
    campaigns = [campaign for campaign in campaigns if campaign.status == Status.DRAFT]
    if not campaigns:
        return {}
    counts = callee_counts({campaign.callee_list_id for campaign in campaigns})
    owners: dict[str, set[int]] = {}
    for name, pk in Campaign.objects.filter(task_name__in={c.task_name for c in campaigns}).values_list(
            "task_name", "pk"):
        owners.setdefault(name, set()).add(pk)
    return {
        campaign.pk: campaign_problems(
            campaign, _STAND_IN if counts.get(campaign.callee_list_id) else [],
            task_name_taken=lambda name, pk=campaign.pk: bool(owners.get(name, set()) - {pk}))
        for campaign in campaigns
    }
