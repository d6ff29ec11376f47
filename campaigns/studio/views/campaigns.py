"""The campaigns page and a campaign's page: its status in words, live progress, cancel, call again,
results and exports. Every read is a selector, every verb a service."""
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.generic import TemplateView, View

from campaigns import rules
from campaigns.charts import bar_chart
from campaigns.models import CallRecord, Campaign
from campaigns.selectors.campaigns import campaign_calls_page, campaign_cancellable, campaign_progress
from campaigns.selectors.overview import RELATED, campaigns_page, running_section
from campaigns.selectors.recalls import recall_plans
from campaigns.selectors.status import (RUNNING, STATES, answer_rate, campaign_state, campaign_status,
                                        draft_problems)
from campaigns.services.results import campaign_results, campaign_results_export
from campaigns.services.spreadsheets import callee_list_export
from campaigns.services.tracking import campaign_cancel

from .. import roles
from ..access import StudioMixin
from ..forms import StudioRecallForm

BIGGEST_ID = 2**63 - 1  # an id past any the database stores is a page that does not exist, not an error


def campaign_or_404(pk, *related) -> Campaign:
    if pk > BIGGEST_ID:
        raise Http404("No such campaign.")
    return get_object_or_404(Campaign.objects.select_related(*related), pk=pk)


def list_url(callee_list_id) -> str:
    return reverse("studio:list", args=[callee_list_id])


def edit_url(campaign) -> str:
    """Where a campaign is changed: its builder while it is a draft, its review while an approver looks."""
    if campaign.is_waiting_for_approval:
        return reverse("studio:campaign_step", args=[campaign.pk, "review"])
    return reverse("studio:campaign_step", args=[campaign.pk, "audience"]) if campaign.is_editable else ""


class CampaignListView(StudioMixin, TemplateView):
    template_name = "studio/campaigns/list.html"

    def get_context_data(self, **kwargs):
        state = self.request.GET.get("state", "")
        search = self.request.GET.get("q", "")
        page, rows = campaigns_page(state=state, search=search, page=self.request.GET.get("page"))
        return super().get_context_data(
            page=page, rows=rows, state=state if state in STATES else "", search=search[:100],
            states=[(key, s.label) for key, s in STATES.items()], **kwargs)


class CampaignDetailView(StudioMixin, TemplateView):
    template_name = "studio/campaigns/detail.html"

    def get_context_data(self, **kwargs):
        campaign = campaign_or_404(self.kwargs["pk"], *RELATED)
        problems = draft_problems([campaign]).get(campaign.pk)
        user = self.request.user
        launcher = user.has_perm(roles.LAUNCH)
        context = {
            **live_context(campaign, problems),
            "list_url": list_url(campaign.callee_list_id),
            "edit_url": edit_url(campaign),
            "can_cancel": launcher and campaign_cancellable(campaign),
            "can_call_again": launcher and campaign.is_callable_again,
            "launcher": launcher,
        }
        if campaign.is_split:
            context["parts"] = [(part, campaign_status(part)) for part in campaign.parts.order_by("part_number")]
            context["part_size"] = rules.FIELDS["numberInfoList"].max_length
        if campaign.status in (Campaign.Status.SUBMITTED, Campaign.Status.PARTS):
            results = results_context(campaign, self.request)
            # While it calls and nothing is reported yet, the progress says it all: no empty results card.
            if results["results"].total or results["results"].shared or campaign.is_final_on_laaffic:
                context.update(results)
        return super().get_context_data(**context, **kwargs)


def live_context(campaign: Campaign, problems=None) -> dict:
    state = campaign_state(campaign)
    return {"campaign": campaign, "status": campaign_status(campaign, problems), "state": state,
            "problems": problems,
            "live": state in RUNNING, "progress": campaign_progress(campaign)}


def results_context(campaign: Campaign, request) -> dict:
    results = campaign_results(campaign)
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in CallRecord.Outcome.values else ""
    texts = [(field, campaign.callee_list.text_label(field)) for field in rules.TEXT_FIELDS[:3]]
    counted = answer_rate(campaign)  # Laaffic's own count, which the status sentence gives
    differs = (counted is not None and results.answer_rate is not None
               and round(counted) != round(results.answer_rate))
    return {
        "results": results, "outcome": outcome, "outcomes": CallRecord.Outcome.choices,
        "laaffic_rate": counted if differs else None,
        "calls": campaign_calls_page(campaign, outcome=outcome, page=request.GET.get("page")),
        "text_labels": [label for _, label in texts],
        "outcome_chart": bar_chart(results.outcomes, title="Outcome of each call"),
        "key_chart": bar_chart([(f"Key {key}", n) for key, n in results.keys], title="Keys pressed"),
    }


class CampaignLiveView(StudioMixin, View):
    """The status and progress box of a campaign's page, polled by htmx while it runs. When the campaign has
    moved on to another state the whole page is reloaded: what it offers (cancel, call again, results) changes."""

    def get(self, request, pk):
        campaign = campaign_or_404(pk, *RELATED)
        context = live_context(campaign, draft_problems([campaign]).get(campaign.pk))
        response = render(request, "studio/campaigns/partials/live.html", context)
        if request.htmx and request.GET.get("state") != context["state"]:
            response["HX-Refresh"] = "true"
        return response


class RunningView(StudioMixin, TemplateView):
    """The home page's "calling now" box, polled by htmx."""

    template_name = "studio/campaigns/partials/running.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(running=running_section(), **kwargs)


class CampaignCancelView(StudioMixin, TemplateView):
    """Cancel on Laaffic, after a confirmation: approvers only."""

    permission_required = roles.LAUNCH
    template_name = "studio/campaigns/cancel.html"

    def get_context_data(self, **kwargs):
        campaign = campaign_or_404(self.kwargs["pk"], *RELATED)
        return super().get_context_data(campaign=campaign, status=campaign_status(campaign),
                                        cancellable=campaign_cancellable(campaign), **kwargs)

    def post(self, request, pk):
        campaign = campaign_or_404(pk)
        outcome = campaign_cancel(campaign, user=request.user)
        (messages.success if outcome.ok else messages.error)(request, outcome.message)
        return redirect("studio:campaign", pk=campaign.pk)


class CampaignCallAgainView(StudioMixin, View):
    """Call again: who each choice calls, worked out before anything is created; approvers only."""

    permission_required = roles.LAUNCH

    def get(self, request, pk):
        parent = campaign_or_404(pk, *RELATED)
        return self.page(request, parent, StudioRecallForm(plans=self.plans(parent), parent=parent))

    def post(self, request, pk):
        parent = campaign_or_404(pk, *RELATED)
        form = StudioRecallForm(request.POST, plans=self.plans(parent), parent=parent)
        made = form.call_again(parent, request.user) if parent.is_callable_again and form.is_valid() else None
        if made:
            child, plan, result = made
            (messages.success if result.queued else messages.error)(
                request, f"{child} is a new run of {parent}: {plan.summary} {result.message}")
            return redirect("studio:campaign", pk=child.pk)
        return self.page(request, parent, form, status=400 if request.method == "POST" else 200)

    @staticmethod
    def plans(parent):
        return recall_plans(parent) if parent.is_callable_again else {}

    @staticmethod
    def page(request, parent, form, status=200):
        plans = form.plans
        return render(request, "studio/campaigns/call_again.html", {
            "campaign": parent, "status": campaign_status(parent), "form": form,
            "finished": parent.is_callable_again, "nobody_left": bool(plans) and all(p.refusal for p in plans.values()),
        }, status=status)


class ResultsExportView(StudioMixin, View):
    def get(self, request, pk):
        campaign = campaign_or_404(pk, "callee_list")
        response = csv_download(f"{slugify(campaign.task_name) or 'campaign'}-results.csv")
        campaign_results_export(campaign, response)
        return response


class CalleesExportView(StudioMixin, View):
    def get(self, request, pk):
        campaign = campaign_or_404(pk, "callee_list")
        response = csv_download(f"{slugify(campaign.callee_list.name) or 'callees'}.csv")
        callee_list_export(campaign.callee_list_id, response)
        return response


def csv_download(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response  # the services write the mark that makes Excel read UTF-8 (spreadsheets.BOM)
