import json

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator, slugify

from . import rules
from .forms import CalleeForm, CampaignForm, SmsTemplateForm, SuppressedNumberForm, VoiceFileForm
from .import_admin import upload_view
from .importers import phones
from .models import Callee, CalleeList, Campaign, SmsTemplate, Submission, SuppressedNumber, VoiceFile
from .services import bodies
from .services.campaigns import campaign_problems, campaign_queue, campaign_refusal
from .services.imports import Target
from .services.spreadsheets import callee_list_export
from .tasks import submit_campaign
from .tracking_admin import CampaignTrackingMixin

BODY_PREVIEW_CALLEES = 3


def callees_of(list_ref):
    """The number of callees in the list that `list_ref` names, counted for each row shown.

    A Count() over a join would count every callee of every list before the page is cut,
    and twice more for the changelist's totals: seconds with a 100,000-callee list.
    """
    counted = (Callee.objects.filter(callee_list=OuterRef(list_ref)).order_by()
               .values("callee_list").annotate(n=Count("*")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def callee_counts(list_ids) -> dict[int, int]:
    """Callees per list, each list counted once."""
    return dict(Callee.objects.filter(callee_list__in=list_ids).order_by()
                .values_list("callee_list").annotate(n=Count("*")))


def _sms_example(campaign, first):
    """The hang-up SMS as the first callee would get it."""
    if not campaign.sends_sms or campaign.sms_template is None or not first:
        return ""
    return rules.sms_filled(campaign.sms_template.content, first[0])


@admin.register(CalleeList)
class CalleeListAdmin(admin.ModelAdmin):
    list_display = ("name", "callee_count", "created_at", "callees_link")
    ordering = ("name",)
    search_fields = ("name",)
    change_form_template = "admin/campaigns/calleelist/change_form.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/import/", wrap(self.import_view), name="campaigns_calleelist_import"),
            path("<int:pk>/export.csv", wrap(self.export_view), name="campaigns_calleelist_export"),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        callee_list = get_object_or_404(CalleeList, pk=pk)
        if not self.has_change_permission(request, callee_list):
            raise PermissionDenied
        back = reverse("admin:campaigns_calleelist_change", args=[pk])
        return upload_view(self, request, Target(callee_list), f"Import callees into {callee_list}", back)

    def export_view(self, request, pk):
        callee_list = get_object_or_404(CalleeList, pk=pk)
        if not self.has_view_permission(request, callee_list):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slugify(callee_list.name) or "callees"}.csv"'
        callee_list_export(callee_list.pk, response)
        return response

    @admin.display(description="")
    def callees_link(self, obj):
        url = reverse("admin:campaigns_callee_changelist") + f"?callee_list__id__exact={obj.pk}"
        return format_html('<a href="{}">View callees</a>', url)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(callee_count=callees_of("pk"))

    @admin.display(description="callees", ordering="callee_count")
    def callee_count(self, obj):
        return obj.callee_count


class NumberSearchMixin:
    """A search typed as a phone number ('+34 612 345 679') looks for the number as it is stored."""

    def get_search_results(self, request, queryset, search_term):
        number, reason = phones.normalize(search_term.strip())
        return super().get_search_results(request, queryset, search_term if reason else number)


@admin.register(SuppressedNumber)
class SuppressedNumberAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = SuppressedNumberForm
    list_display = ("number", "reason", "added_by", "added_at")
    search_fields = ("number", "reason")
    list_select_related = ("added_by",)
    readonly_fields = ("added_by", "added_at")
    change_list_template = "admin/campaigns/suppressednumber/change_list.html"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [path("import/", wrap(self.import_view), name="campaigns_suppressednumber_import"),
                *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        back = reverse("admin:campaigns_suppressednumber_changelist")
        return upload_view(self, request, Target(None), "Import do-not-call numbers", back)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Callee)
class CalleeAdmin(NumberSearchMixin, admin.ModelAdmin):
    form = CalleeForm
    list_display = ("number", "callee_list", "text1", "text2", "text3")
    list_filter = ("callee_list",)
    list_select_related = ("callee_list",)
    search_fields = ("number", "text1")
    autocomplete_fields = ("callee_list",)
    show_full_result_count = False


@admin.register(SmsTemplate)
class SmsTemplateAdmin(admin.ModelAdmin):
    form = SmsTemplateForm
    list_display = ("name", "sms_app_id", "sender_id", "short_content")
    search_fields = ("name", "content")

    @admin.display(description="SMS text")
    def short_content(self, obj):
        return Truncator(obj.content).chars(60)


@admin.register(VoiceFile)
class VoiceFileAdmin(admin.ModelAdmin):
    form = VoiceFileForm
    list_display = ("name", "provider_file_id", "uploaded_at")
    search_fields = ("name", "provider_file_id")
    readonly_fields = ("uploaded_at",)


class SubmissionInline(admin.TabularInline):
    model = Submission
    extra = 0
    can_delete = False
    fields = ("started_at", "user", "outcome", "http_status", "code", "message", "key_id", "duration_ms")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("campaign", "started_at", "user", "outcome", "http_status", "code", "key_id")
    list_filter = ("outcome",)
    list_select_related = ("campaign", "user")
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The fields the site writes, shown read-only in three groups (all of them are Campaign.SYSTEM_FIELDS).
OUTCOME_FIELDS = ("status", "status_detail", "key_id", "provider_code", "provider_message")
RECALL_FIELDS = ("parent", "recall_failed_only")
TRACKING_FIELDS = ("task_id", "provider_status", "progress", "numbers_total", "numbers_called",
                   "numbers_success", "numbers_failed", "synced_at", "finished_at")
WINDOW_INPUTS = [("window_1_start", "window_1_end"), ("window_2_start", "window_2_end"),
                 ("window_3_start", "window_3_end")]


def campaign_fieldsets(window_fields, outcome_fields=OUTCOME_FIELDS):
    return (
        ("Outcome", {"fields": outcome_fields}),
        ("Task", {"fields": ("task_name", "app_id", "display_number", "callee_list")}),
        ("Message", {"fields": ("source", "voice_file", "tts_text", "language", "voice_gender",
                                "speaking_rate", "accent")}),
        ("Schedule", {"fields": ("send_time", *window_fields, "loop_count", "max_call_seconds",
                                 "max_ringing_seconds", "delay_play_seconds", "delay_hangup_seconds")}),
        ("Hang-up SMS", {"fields": ("hang_up_sms", "sms_template", "sms_on_key_press", "sms_key",
                                    "sms_on_success", "sms_success_delay_seconds", "sms_on_failure",
                                    "sms_on_ring")}),
        ("Transfer to agents", {"fields": ("to_agents", "agent_group_id", "outbound_control",
                                           "callout_rate", "transfer_when", "transfer_key",
                                           "transfer_delay_seconds")}),
    )


@admin.register(Campaign)
class CampaignAdmin(CampaignTrackingMixin, admin.ModelAdmin):
    form = CampaignForm
    list_display = ("task_name", "status_badge", "provider_status", "progress_display", "callee_list",
                    "callee_count", "send_time", "key_id", "updated_at")
    list_filter = ("status", "provider_status", "source", "hang_up_sms", "to_agents")
    list_select_related = ("callee_list",)
    search_fields = ("task_name", "key_id")
    autocomplete_fields = ("callee_list",)
    actions = ["submit_to_laaffic", "cancel_on_laaffic", "call_again", "fetch_call_results"]
    inlines = [SubmissionInline]
    readonly_fields = Campaign.SYSTEM_FIELDS
    fieldsets = campaign_fieldsets(WINDOW_INPUTS)

    class Media:
        css = {"all": ["campaigns/campaigns.css"]}  # status colours, the progress bar

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Campaigns often share a big list: count each list on the page once.
        counts = callee_counts({campaign.callee_list_id for campaign in changelist.result_list})
        for campaign in changelist.result_list:
            campaign.callee_count = counts.get(campaign.callee_list_id, 0)
        return changelist

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.is_editable:
            return self.fieldsets
        # The read-only view shows the stored windows, not the form's inputs, and
        # leaves out the sections the campaign does not use.
        unused = {"Hang-up SMS"} if not obj.sends_sms else set()
        unused |= {"Transfer to agents"} if not obj.transfers_to_agents else set()
        outcome = (*OUTCOME_FIELDS, *(RECALL_FIELDS if obj.parent_id else ()),
                   *(TRACKING_FIELDS if obj.synced_at else ()))
        return [(name, options) for name, options in campaign_fieldsets(["calling_windows_display"], outcome)
                if name not in unused]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return (*self.readonly_fields, "calling_windows_display")
        return self.readonly_fields

    @admin.display(description="calling windows")
    def calling_windows_display(self, obj):
        windows = ", ".join(f"{w['start']}–{w['end']}" for w in obj.calling_windows)
        return f"{windows} ({bodies.provider_tz().key})" if windows else "Any time"

    def get_changeform_initial_data(self, request):
        return {"app_id": settings.LAAFFIC_APP_ID, **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None):
        # Once queued or sent, a campaign is a record of what went out.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def has_submit_permission(self, request):
        return request.user.has_perm("campaigns.submit_campaign")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        for note in getattr(form, "notes", []):
            self.message_user(request, note, messages.WARNING)

    @admin.display(description="callees", ordering=callees_of("callee_list"))
    def callee_count(self, obj):
        return obj.callee_count

    @admin.display(description="progress", ordering="progress")
    def progress_display(self, obj):
        if obj.progress is None:
            return "–"
        return format_html('<progress max="100" value="{}" title="{}%"></progress>', obj.progress, obj.progress)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        return format_html('<b class="status-{}" title="{}">{}</b>', obj.status, obj.status_detail,
                           obj.get_status_display())  # coloured by campaigns.css

    @admin.action(description="Submit to Laaffic (starts calling, costs money)", permissions=["submit"])
    def submit_to_laaffic(self, request, queryset):
        campaigns = list(queryset.select_related("callee_list", "voice_file", "sms_template"))
        if request.POST.get("confirm") == "yes":
            return self._queue(request, campaigns)
        reviews = [self._review(campaign) for campaign in campaigns]
        context = {
            **self.admin_site.each_context(request),
            "title": "Submit to Laaffic?",
            "reviews": reviews,
            "ready": [r for r in reviews if not r["problems"] and not r["refusal"]],
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "user_zone": timezone.get_current_timezone_name(),
            "provider_zone": bodies.provider_tz().key,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/submit_confirmation.html", context)

    def _review(self, campaign):
        callees = bodies.callee_entries(campaign.callee_list_id)
        body = bodies.campaign_body(campaign, callees)
        if campaign.is_resend:  # Laaffic's resend names its parent's task instead of listing numbers
            shown = bodies.resend_body(campaign, body)
        else:
            more = len(callees) - BODY_PREVIEW_CALLEES
            shown = dict(body, numberInfoList=callees[:BODY_PREVIEW_CALLEES]
                         + ([f"… and {more:,} more callees"] if more > 0 else []))
        if shown.get("baseFile") == bodies.AUDIO_SENT_LATER:
            voice = campaign.voice_file
            shown["baseFile"] = f"[{voice.name}: {voice.audio.size:,} bytes of audio, sent as base64]"
        return {
            "campaign": campaign,
            "callee_count": len(callees),
            "suppressed_count": bodies.suppressed_count(campaign.callee_list_id),
            "send_time_local": timezone.localtime(campaign.send_time) if campaign.send_time else None,
            "send_time_provider": body.get("sendTime"),
            "notes": [note.message for note in bodies.notes(body)],
            "windows_local": [f"{start:%H:%M}–{end:%H:%M}" for start, end
                              in bodies.local_windows(campaign.calling_windows, campaign.send_time)],
            "sms_example": _sms_example(campaign, callees[:1]),
            "refusal": campaign_refusal(campaign),
            "problems": campaign_problems(campaign, callees),
            "body": json.dumps(shown, indent=2, ensure_ascii=False),
        }

    def _queue(self, request, campaigns):
        queued = 0
        for campaign in campaigns:
            result = campaign_queue(campaign, user=request.user)
            if result.queued:
                queued += 1
                transaction.on_commit(
                    lambda pk=campaign.pk: submit_campaign.delay(pk, user_id=request.user.pk)
                )
            else:
                self.message_user(request, result.message, messages.ERROR)
        if queued:
            self.message_user(
                request,
                f"{queued} campaign{'s' if queued != 1 else ''} queued for sending to Laaffic. "
                "The status changes to Submitted once Laaffic accepts it.",
                messages.SUCCESS,
            )
