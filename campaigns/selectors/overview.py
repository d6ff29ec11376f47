"""Campaigns and imports as the studio lists them: the home page's "what needs me" and the campaigns
page. Each list is read in a fixed number of queries, however many rows it pages through."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import F, Q

from .. import rules
from ..models import Campaign, ImportJob
from .status import RUNNING, STATES, StatusWords, campaign_status, draft_problems

CAMPAIGNS_PAGE_SIZE = 25
SEARCH_MAX = 100  # characters of a search kept: a task name has at most 64
RELATED = ("callee_list", "voice_file", "sms_template", "parent")


@dataclass
class Row:
    campaign: Campaign
    status: StatusWords
    problems: list[rules.Problem] = field(default_factory=list)


@dataclass
class Section:
    rows: list[Row]
    total: int  # how many there are, of which `rows` are the latest

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _rows(campaigns) -> list[Row]:
    campaigns = list(campaigns)
    problems = draft_problems(campaigns)
    return [Row(c, campaign_status(c, problems.get(c.pk)), problems.get(c.pk, [])) for c in campaigns]


def _section(queryset, limit: int) -> Section:
    return Section(_rows(queryset.select_related(*RELATED)[:limit]), queryset.count())


def campaigns_shown():
    """The campaigns people build and launch: not the parts a big one is sent as, nor test calls, which
    their campaign's page shows."""
    return Campaign.objects.filter(part_of__isnull=True, test_of__isnull=True)


def in_states(*states: str):
    return campaigns_shown().filter(reduce(or_, (STATES[state].q for state in states)))


def drafts_section(limit: int = 5) -> Section:
    """Drafts and campaigns that failed to be sent, latest changed first, with what stops each."""
    waiting = Q(approval_state=Campaign.Approval.REQUESTED)  # Home lists those apart, for whoever decides
    return _section(in_states("draft", "failed").exclude(waiting).order_by("-updated_at", "-pk"), limit)


def running_section(limit: int = 5) -> Section:
    """Campaigns being launched, waiting for their start or calling, latest launched first."""
    return _section(in_states(*RUNNING).order_by(F("submitted_at").desc(nulls_first=True), "-pk"), limit)


def finished_section(limit: int = 5) -> Section:
    """Campaigns finished or cancelled on Laaffic, latest first."""
    return _section(in_states("finished", "cancelled").order_by(F("finished_at").desc(nulls_last=True), "-pk"),
                    limit)


def recent_imports(limit: int = 5) -> list[ImportJob]:
    return list(ImportJob.objects.select_related("callee_list").order_by("-created_at", "-pk")[:limit])


def campaigns_page(*, state: str = "", search: str = "", page=None) -> tuple[Page, list[Row]]:
    """A page of campaigns, newest first: those in `state` (a key of STATES; anything else is every
    state) whose task name contains `search`."""
    campaigns = campaigns_shown().select_related(*RELATED).order_by("-created_at", "-pk")
    if state in STATES:
        campaigns = campaigns.filter(STATES[state].q)
    search = search.strip()[:SEARCH_MAX]
    if search:
        campaigns = campaigns.filter(task_name__icontains=search)
    shown = Paginator(campaigns, CAMPAIGNS_PAGE_SIZE).get_page(page)
    return shown, _rows(shown.object_list)
