"""Campaign admin pages and actions for after launch: progress, results, cancel, call again."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify

from .. import rules
from ..charts import bar_chart
from ..forms import RecallForm
from ..models import CallRecord, Campaign
from ..selectors.campaigns import campaign_calls_page, campaign_cancellable, campaign_progress
from ..selectors.recalls import recall_plans
from ..services.results import campaign_results, campaign_results_export
from ..services.tracking import (
    call_record_owners, campaign_cancel, campaign_unattributed_calls,
    campaigns_fetch_results,
)
from .mixins import ReadOnlyMixin


class CampaignTrackingMixin:
    change_form_template = "admin/campaigns/campaign/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/results/", wrap(self.results_view), name="campaigns_campaign_results"),
            path("<int:pk>/results.csv", wrap(self.results_export_view), name="campaigns_campaign_results_csv"),
            path("<int:pk>/progress.json", wrap(self.progress_view), name="campaigns_campaign_progress"),
            *super().get_urls(),
        ]

    def has_cancel_permission(self, request):
        return request.user.has_perm("campaigns.cancel_campaign")

    def has_fetch_results_permission(self, request):
        return request.user.has_perm("campaigns.fetch_call_results")

    def _campaign(self, request, pk) -> Campaign:
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        return campaign

    def progress_view(self, request, pk):
        return JsonResponse(campaign_progress(self._campaign(request, pk)))

    def results_view(self, request, pk):
        campaign = self._campaign(request, pk)
        results = campaign_results(campaign)
        outcome = request.GET.get("outcome", "")
        page = campaign_calls_page(campaign, outcome=outcome, page=request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request), "title": f"Results of {campaign}", "campaign": campaign,
            "results": results, "page": page, "outcome": outcome, "outcomes": CallRecord.Outcome.choices,
            "outcome_chart": bar_chart(results.outcomes, title="Outcome of each call"),
            "key_chart": bar_chart([(f"Key {k}", n) for k, n in results.keys], title="Keys pressed"),
            "opts": self.model._meta, "text_fields": rules.TEXT_FIELDS[:3],
            "shared_url": (f"{reverse('admin:campaigns_callrecord_changelist')}?could_belong_to={campaign.pk}"
                           if request.user.has_perm("campaigns.view_callrecord") else ""),
        }
        return TemplateResponse(request, "admin/campaigns/campaign/results.html", context)

    def results_export_view(self, request, pk):
        campaign = self._campaign(request, pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(campaign.task_name) or "campaign"}-results.csv"'
        campaign_results_export(campaign, response)
        return response

    @admin.action(description="Cancel on Laaffic (stops the remaining calls)", permissions=["cancel"])
    def cancel_on_laaffic(self, request, queryset):
        campaigns = list(queryset)
        if request.POST.get("confirm") != "yes":
            return self._confirmation(request, queryset, "cancel_on_laaffic", "Cancel these campaigns?", {
                "campaigns": campaigns,
                "cancellable": [campaign for campaign in campaigns if campaign_cancellable(campaign)]})
        for campaign in campaigns:
            outcome = campaign_cancel(campaign, user=request.user)
            self.message_user(request, outcome.message, messages.SUCCESS if outcome.ok else messages.ERROR)
        return None

    @admin.action(description="Call again (a new run of the same numbers, costs money)", permissions=["submit"])
    def call_again(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Pick one campaign to call again.", messages.WARNING)
            return None
        parent = queryset.get()
        plans = recall_plans(parent)
        form = RecallForm(request.POST if "task_name" in request.POST else None, plans=plans,
                          initial={"task_name": RecallForm.default_task_name(parent)})
        confirmed = request.POST.get("confirm") == "yes" and form.is_valid()
        made = form.call_again(parent, request.user) if confirmed else None
        if made:
            child, plan, result = made
            self.message_user(request, f"{child} created as a new run of {parent}: {plan.summary} {result.message}",
                              messages.SUCCESS if result.queued else messages.ERROR)
            return None
        return self._confirmation(request, queryset, "call_again", f"Call {parent} again?", {
            "parent": parent, "form": form, "nobody_left": all(plan.refusal for plan in plans.values())})

    @admin.action(description="Fetch call results from Laaffic", permissions=["fetch_results"])
    def fetch_call_results(self, request, queryset):
        count = campaigns_fetch_results(queryset)
        self.message_user(request, f"Fetching the call results of {count} campaign"
                                   f"{'s' if count != 1 else ''} in the background.")

    def _confirmation(self, request, queryset, action, title, extra):
        context = {**self.admin_site.each_context(request), "title": title, "queryset": queryset,
                   "action": action, "opts": self.model._meta,
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME, **extra}
        return TemplateResponse(request, f"admin/campaigns/campaign/{action}.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}),
                         "results_url": reverse("admin:campaigns_campaign_results", args=[object_id]),
                         "progress_url": reverse("admin:campaigns_campaign_progress", args=[object_id]),
                         "parts": Campaign.objects.filter(part_of_id=object_id).order_by("part_number")}
        return super().change_view(request, object_id, form_url, extra_context)


class LinkedFilter(admin.SimpleListFilter):
    title = "campaign"
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("no", "Not linked to a campaign"), ("yes", "Linked to a campaign")]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(campaign__isnull=self.value() == "no")
        return queryset


class CouldBelongToFilter(admin.SimpleListFilter):
    """The unattributed calls a campaign could own; its results page links here."""

    title = "could belong to"
    parameter_name = "could_belong_to"

    def lookups(self, request, model_admin):
        value = self.value() or ""
        self.campaign = Campaign.objects.filter(pk=value).first() if value.isdigit() else None
        return [(str(self.campaign.pk), str(self.campaign))] if self.campaign else []

    def queryset(self, request, queryset):
        if self.campaign is None:
            return queryset
        return queryset.filter(pk__in=campaign_unattributed_calls(self.campaign).values("pk"))


@admin.register(CallRecord)
class CallRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Calls as Laaffic reported them, for staff: the campaign each is linked to, or could belong to."""

    list_display = ("call_time", "callee_number", "outcome", "campaign", "could_belong_to")
    list_filter = (LinkedFilter, CouldBelongToFilter, "outcome")
    list_select_related = ("campaign",)
    search_fields = ("=callee_number", "=voice_id")
    ordering = ("-id",)
    # A big table: no total or per-filter counts beyond the page's own.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def has_delete_permission(self, request, obj=None):
        return False

    readonly_fields = ("could_belong_to",)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        _set_owners(changelist.result_list)
        return changelist

    @admin.display(description="could belong to")
    def could_belong_to(self, record):
        if record.campaign_id is not None:
            return "–"
        if record.task_id is not None:
            return f"Task {record.task_id}, not known to this site yet: linked once it is"
        if not hasattr(record, "owners"):  # the record's own page
            _set_owners([record])
        return ", ".join(map(str, record.owners)) or "No campaign of this site called this number then"


def _set_owners(records) -> None:
    """Each record's `owners`: the campaigns that could own it (one query for all, one for their names)."""
    owners = call_record_owners(records)
    names = Campaign.objects.in_bulk({pk for found in owners.values() for pk in found})
    for record in records:
        record.owners = [names[pk] for pk in owners.get(record.pk, [])]
