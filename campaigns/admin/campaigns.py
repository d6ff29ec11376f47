"""Campaigns: building one, the review before it is submitted, and its submissions; SMS templates and
recordings. What comes after launch is in tracking.py."""
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from ..forms import CampaignForm, SmsTemplateForm, VoiceFileForm
from ..models import Campaign, CampaignEvent, SmsTemplate, Submission, VoiceFile
from ..selectors.campaigns import campaign_review
from ..selectors.lists import callee_counts, callees_of
from ..services import bodies
from ..services.campaigns import CampaignLocked, campaign_queue, campaign_save
from .mixins import ReadOnlyMixin
from .tracking import CampaignTrackingMixin


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


class SubmissionInline(ReadOnlyMixin, admin.TabularInline):
    model = Submission
    extra = 0
    can_delete = False
    fields = ("started_at", "user", "outcome", "http_status", "code", "message", "key_id", "duration_ms")
    readonly_fields = fields
    show_change_link = True


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("campaign", "started_at", "user", "outcome", "http_status", "code", "key_id")
    list_filter = ("outcome",)
    list_select_related = ("campaign", "user")
    readonly_fields = [f.name for f in Submission._meta.fields]


class CampaignEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CampaignEvent
    extra = 0
    can_delete = False
    fields = ("at", "who", "what", "detail")
    readonly_fields = fields
    verbose_name_plural = "activity"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CampaignEvent)
class CampaignEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The activity log, for operators: read-only for everyone, superusers included."""

    list_display = ("at", "campaign", "who", "what", "detail")
    list_filter = ("what",)
    list_select_related = ("campaign", "who")
    search_fields = ("campaign__task_name", "detail")
    readonly_fields = ("at", "campaign", "who", "what", "detail")

    def has_delete_permission(self, request, obj=None):
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
    inlines = [SubmissionInline, CampaignEventInline]
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
        try:
            campaign_save(obj, user=request.user)
        except CampaignLocked as locked:  # asked for approval while this form was open
            self.message_user(request, f"Not saved: {locked.message}", messages.ERROR)
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
        reviews = [campaign_review(campaign) for campaign in campaigns]
        context = {
            **self.admin_site.each_context(request),
            "title": "Submit to Laaffic?",
            "reviews": reviews,
            "ready": [review for review in reviews if review.ready],
            "queryset": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "user_zone": timezone.get_current_timezone_name(),
            "provider_zone": bodies.provider_tz().key,
        }
        return TemplateResponse(request, "admin/campaigns/campaign/submit_confirmation.html", context)

    def _queue(self, request, campaigns):
        queued = 0
        for campaign in campaigns:
            result = campaign_queue(campaign, user=request.user)
            if len(result.sends) > 1 or campaign.is_split:  # in parts: say how many tasks
                self.message_user(request, result.message, messages.SUCCESS if result.queued else messages.ERROR)
            elif result.queued:
                queued += 1
            else:
                self.message_user(request, result.message, messages.ERROR)
        if queued:
            self.message_user(
                request,
                f"{queued} campaign{'s' if queued != 1 else ''} queued for sending to Laaffic. "
                "The status changes to Submitted once Laaffic accepts it.",
                messages.SUCCESS,
            )
