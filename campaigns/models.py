"""Campaign data. Fields use Python names; the provider's names appear only where
the request body is built (campaigns/services/bodies.py)."""
from datetime import datetime, timezone

from django.conf import settings
from django.db import models
from django.utils import timezone as django_timezone

from . import rules, time_zones
from .contract_fields import model_field
from .laaffic.codes import CANCELLABLE_STATUSES, FINAL_STATUSES, RESENDABLE_STATUSES, CallOutcome, ProviderStatus
from .laaffic.records import EARLIEST_TIME, MAX_LENGTHS as SIZE


class CalleeList(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    # What each text was called in the file it was imported from: {"text1": "Name"}.
    text_names = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "callee list"

    def __str__(self):
        return self.name

    def text_label(self, field: str) -> str:
        """"text1 (Name)" for a text imported from a column called Name, else "text1"."""
        name = self.text_names.get(field, "") if isinstance(self.text_names, dict) else ""
        return f"{field} ({name})" if name else field


class Callee(models.Model):
    # Indexed by callee_once_per_list (list, number); a second index on the list alone only tempts
    # PostgreSQL into scanning a whole list for one number when its statistics are stale.
    callee_list = models.ForeignKey(CalleeList, on_delete=models.CASCADE, related_name="callees", db_index=False)
    number = model_field("calleeNumber")
    text1 = model_field("text1")
    text2 = model_field("text2")
    text3 = model_field("text3")
    text4 = model_field("text4")
    text5 = model_field("text5")
    text6 = model_field("text6")
    text7 = model_field("text7")
    text8 = model_field("text8")
    text9 = model_field("text9")
    text10 = model_field("text10")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["callee_list", "number"], name="callee_once_per_list"),
        ]

    def __str__(self):
        return self.number


class SmsTemplate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # A template is the SMS itself: its app and text are needed whenever it is used.
    sms_app_id = model_field("smsAppId", blank=False)
    content = model_field("smsContent", blank=False)
    sender_id = model_field("senderId")

    class Meta:
        ordering = ["name"]
        verbose_name = "SMS template"

    def __str__(self):
        return self.name


class VoiceFile(models.Model):
    name = model_field("uploadName", verbose_name="file name", blank=False, unique=True)
    audio = models.FileField(upload_to="voice_files/", blank=True)
    provider_file_id = model_field(
        "voiceFileId", verbose_name="Laaffic voice file ID",
        help_text="Filled in when the file is uploaded to Laaffic; leave empty for new files.",
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# The campaign field that sets each request field: its own column, or the template, voice file or
# callee list that holds the value.
_HOLDERS = {"SmsTemplate": "sms_template", "VoiceFile": "voice_file", "Callee": "callee_list"}
CAMPAIGN_FIELD_FOR = {name: entry.column if entry.model == "Campaign" else _HOLDERS[entry.model]
                      for name, entry in rules.FIELDS.items() if entry.column}


class Campaign(models.Model):
    # The provider's choices (rules.py, laaffic/codes.py), where the site's code looks for them.
    ProviderStatus, Source, Gender, TransferWhen = ProviderStatus, rules.Source, rules.Gender, rules.TransferWhen

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Queued"
        SUBMITTING = "submitting", "Submitting"
        SUBMITTED = "submitted", "Submitted"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Unknown: check before resending"
        # Its list was over Laaffic's limit for one task: its parts (below) are the tasks.
        PARTS = "parts", "Launched in parts"

    class Approval(models.TextChoices):
        NONE = "none", "Not asked"
        REQUESTED = "requested", "Waiting for approval"
        SENT_BACK = "sent_back", "Sent back"

    # The settings, each a field of the request (rules.FIELDS).
    # Task
    task_name = model_field("taskName", unique=True)
    app_id = model_field("appId")
    display_number = model_field("displayNum")
    callee_list = models.ForeignKey(CalleeList, on_delete=models.PROTECT, related_name="campaigns")

    # Message
    source = model_field("source")
    voice_file = models.ForeignKey(
        VoiceFile, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        help_text="The recorded message, for the two recorded-file sources.",
    )
    tts_text = model_field("text")
    language = model_field("lan")
    speaking_rate = model_field("speakingRate")
    voice_gender = model_field("ssmlGender")
    accent = model_field("accent")

    # Schedule
    send_time = model_field("sendTime")
    calling_windows = model_field("allowSendTime", default=list, null=False)
    loop_count = model_field("loopCount")
    max_call_seconds = model_field("maxCalls")
    max_ringing_seconds = model_field("maxRingingTime")
    delay_play_seconds = model_field("delayPlay")
    delay_hangup_seconds = model_field("delayHangup")

    # Hang-up SMS
    hang_up_sms = model_field("hangUpSms")
    sms_template = models.ForeignKey(
        SmsTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        verbose_name="SMS template",
    )
    sms_on_key_press = model_field("feedbackPush")
    # JSON keeps the form it was given in: the page's table says String, its example a number.
    sms_key = model_field("feedbackValue")
    sms_on_success = model_field("successPush")
    sms_success_delay_seconds = model_field("successPushTime")
    sms_on_failure = model_field("failedPush")
    sms_on_ring = model_field("ringPush")

    # Transfer to agents
    to_agents = model_field("toSeat")
    agent_group_id = model_field("sipGroupId")
    outbound_control = model_field("outboundControl")
    callout_rate = model_field("calloutRate")
    transfer_when = model_field("toSeatType")
    transfer_key = model_field("toSeatKey")
    transfer_delay_seconds = model_field("delayTransfer")

    # A re-call ("Call again") of an earlier campaign's numbers, sent through voice/group/call/resend.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="recalls",
        verbose_name="call again of",
    )
    recall_failed_only = models.BooleanField(
        "only the numbers that were not reached", default=False,
    )
    # Launching a list over Laaffic's per-task limit splits it into parts: each part is a campaign of its own
    # (its settings copied, its slice of the list copied into a list of its own, its task name "<name> (1/3)")
    # that the one claim, retry, sync, cancel and call-record machinery treats like any other task, so each
    # is posted once and retried on its own. The launched campaign (status PARTS) posts nothing itself: it
    # holds the sums of its parts' counts (services/parts.py parts_aggregate) and the pages read it.
    part_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="parts", verbose_name="part of",
    )
    part_number = models.PositiveSmallIntegerField(null=True, blank=True)

    # Outcome
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    status_detail = models.TextField(blank=True, help_text="Why the campaign is in its status.")
    key_id = models.CharField("Laaffic key ID", max_length=64, blank=True)
    provider_code = models.CharField(max_length=16, blank=True)
    provider_message = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # What Laaffic's task list says (voice/group/call/query), refreshed by the sync job.
    task_id = models.BigIntegerField("Laaffic task ID", null=True, blank=True, db_index=True)
    provider_status = models.SmallIntegerField(
        "Laaffic status", choices=ProviderStatus.choices, null=True, blank=True,
    )
    progress = models.FloatField("progress (%)", null=True, blank=True)
    numbers_total = models.PositiveIntegerField("numbers in task", null=True, blank=True)
    numbers_called = models.PositiveIntegerField("called", null=True, blank=True)
    numbers_success = models.PositiveIntegerField("answered", null=True, blank=True)
    numbers_failed = models.PositiveIntegerField("not reached", null=True, blank=True)
    synced_at = models.DateTimeField("last checked with Laaffic", null=True, blank=True)
    # Laaffic's task list gives no finish time: the first sync (or cancel) that saw the task final.
    finished_at = models.DateTimeField(
        "finished on Laaffic by", null=True, blank=True,
        help_text="When the site first saw the task finished, cancelled or failed on Laaffic; "
                  "its calls ended before this.",
    )
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    records_backfilled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )

    # Approval before launch (services/approval.py): locked while requested, the comment of a send-back.
    approval_state = models.CharField(max_length=10, choices=Approval.choices, default=Approval.NONE, db_index=True)
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="approval asked by",
    )
    approval_requested_at = models.DateTimeField("approval asked at", null=True, blank=True)
    approval_comment = models.TextField("sent back with", blank=True)

    # A test call (services/test_calls.py): this campaign sent to one staff member's phone, apart from
    # `test_of`'s results; `test_key` is the click that asked for it, so a click sends it once.
    test_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="test_calls",
        verbose_name="test call of",
    )
    test_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    # What the people running a campaign set: the request's fields. Call again copies these, and only these.
    SETTINGS_FIELDS = tuple(dict.fromkeys(CAMPAIGN_FIELD_FOR.values()))
    # What the site writes: no form offers them, the admin shows them read-only, Call again starts them anew.
    SYSTEM_FIELDS = (
        "parent", "recall_failed_only", "part_of", "part_number", "status", "status_detail", "key_id", "provider_code", "provider_message",
        "submitted_at", "task_id", "provider_status", "progress", "numbers_total", "numbers_called",
        "numbers_success", "numbers_failed", "synced_at", "finished_at", "cancel_requested_at",
        "records_backfilled_at", "created_at", "updated_at", "created_by", "approval_state",
        "approval_requested_by", "approval_requested_at", "approval_comment", "test_of", "test_key",
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("submit_campaign", "Can submit campaigns to Laaffic (spends money)"),
            ("cancel_campaign", "Can cancel running campaigns on Laaffic"),
            ("fetch_call_results", "Can fetch call results from Laaffic"),
        ]

    def __str__(self):
        return self.task_name

    @property
    def uses_tts(self) -> bool:
        return self.source == rules.Source.TEXT_TO_SPEECH

    @property
    def sends_sms(self) -> bool:
        return self.hang_up_sms == rules.YesNo.YES

    @property
    def transfers_to_agents(self) -> bool:
        return self.to_agents == rules.YesNo.YES

    @property
    def transfers_on_key(self) -> bool:
        return self.transfers_to_agents and self.transfer_when == rules.TransferWhen.ON_KEY

    @property
    def is_callable_again(self) -> bool:
        """Accepted by Laaffic (one task, or in parts) and finished or cancelled there: Call again applies."""
        return self.status in (self.Status.SUBMITTED, self.Status.PARTS) and self.provider_status in RESENDABLE_STATUSES

    @property
    def is_cancellable_task(self) -> bool:
        """One task running on Laaffic, waiting or calling, or not synced yet (a cancel asks Laaffic first)."""
        return self.status == self.Status.SUBMITTED and self.provider_status in (None, *CANCELLABLE_STATUSES)

    @property
    def is_final_on_laaffic(self) -> bool:
        """Laaffic's task changes no more (finished, failed or cancelled there)."""
        return self.provider_status in FINAL_STATUSES

    @property
    def is_split(self) -> bool:
        """Launched as several tasks, its parts."""
        return self.status == self.Status.PARTS

    def tasks(self):
        """The campaigns that are its tasks on Laaffic: its parts once launched in parts, else itself."""
        return Campaign.objects.filter(part_of=self) if self.is_split else Campaign.objects.filter(pk=self.pk)

    def calls(self):
        """Its call records, those of every part when it was launched in parts."""
        if self.is_split:
            return CallRecord.objects.filter(campaign__part_of=self)
        return CallRecord.objects.filter(campaign=self)

    @property
    def is_editable(self):
        """Not sent (or failed) and not waiting for approval (which locks it)."""
        return self.status in (self.Status.DRAFT, self.Status.FAILED) and not self.is_waiting_for_approval

    @property
    def is_waiting_for_approval(self) -> bool:
        return self.approval_state == self.Approval.REQUESTED

    @property
    def is_resend(self):
        """A re-call on its parent's own list is Laaffic's resend of that run; one with a list of its
        own (the numbers left, see selectors/recalls.py) is a new group call."""
        return self.parent_id is not None and self.callee_list_id == self.parent.callee_list_id


class CampaignEvent(models.Model):
    """One line of a campaign's activity log: who did what, when. Appended by the services, never changed."""

    class What(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        ASKED = "asked", "Asked for approval"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"
        WITHDRAWN = "withdrawn", "Withdrew the request for approval"
        LAUNCHED = "launched", "Launched"
        TEST_CALLED = "test_called", "Test call"
        CANCELLED = "cancelled", "Cancelled"
        CALLED_AGAIN = "called_again", "Called again"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events", db_index=False)
    who = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+")
    what = models.CharField(max_length=16, choices=What.choices)
    at = models.DateTimeField("when", default=django_timezone.now)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "campaign activity"
        verbose_name_plural = "campaign activity"
        indexes = [models.Index(fields=["campaign", "at", "id"], name="campaign_event_log")]

    def __str__(self):
        return f"{self.campaign_id}: {self.get_what_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The activity log is append-only: an event is never changed.")
        super().save(*args, **kwargs)


class Submission(models.Model):
    """One attempt to POST a campaign. Written before the call, completed after it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "In progress"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        RETRY = "retry", "Temporary failure"
        UNKNOWN = "unknown", "No answer"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="submissions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField("duration (ms)", null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    url = models.CharField(max_length=300, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.CharField("provider code", max_length=16, blank=True)
    message = models.TextField(blank=True)
    key_id = models.CharField(max_length=64, blank=True)
    request_headers = models.JSONField(default=dict, blank=True)
    request_body = models.JSONField(
        default=dict, blank=True,
        help_text="As sent, with the callee list replaced by its count and SHA-256 digest.",
    )
    response_body = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"Attempt {self.pk}"


class SuppressedNumber(models.Model):
    """A site-wide do-not-call entry: never called, whatever list it is in."""

    number = model_field("calleeNumber", unique=True, help_text="")  # stored as callee numbers are
    reason = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "do-not-call number"

    def __str__(self):
        return self.number


class ImportJob(models.Model):
    """One CSV upload into a callee list (or the do-not-call list), from preview to summary."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class OnExisting(models.TextChoices):
        SKIP = "skip", "Skip numbers already in the list"
        UPDATE = "update", "Update their texts"

    callee_list = models.ForeignKey(
        CalleeList, on_delete=models.CASCADE, null=True, blank=True, related_name="imports",
        help_text="Empty for an import into the do-not-call list.",
    )
    file = models.FileField(upload_to="imports/")
    original_name = models.CharField(max_length=255)
    encoding = models.CharField(max_length=32)
    delimiter = models.CharField(max_length=2)
    has_header = models.BooleanField(default=True)
    mapping = models.JSONField(default=dict, help_text='{"number": 0, "texts": {"text1": 2}}')
    default_region = models.CharField(max_length=2, blank=True)
    on_existing = models.CharField(max_length=8, choices=OnExisting.choices, default=OnExisting.SKIP)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    rows_total = models.PositiveIntegerField(default=0, help_text="Rows counted in the preview.")
    rows_done = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    existing = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejected_file = models.FileField(upload_to="imports/", blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "import"

    def __str__(self):
        return f"{self.original_name} -> {self.callee_list or 'do-not-call list'}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0


RECORD_TIMES = ("call_time", "ringing_time", "answer_time", "hangup_time")
LATEST_RECORD_TIME = datetime(2100, 1, 1, tzinfo=timezone.utc)


class CallRecord(models.Model):
    """One call of a campaign, from the status push or the record query. Keyed by Laaffic's voice id."""

    Outcome = CallOutcome

    # Indexes cost every stored report: only those the pages and the upsert read (see Meta).
    voice_id = models.CharField(max_length=SIZE["voice_id"])
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="call_records", db_index=False)
    callee = models.ForeignKey(Callee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    callee_number = models.CharField(max_length=SIZE["callee"])
    display_number = models.CharField("caller ID shown", max_length=SIZE["display_number"], blank=True)
    task_id = models.BigIntegerField(null=True, blank=True)
    call_time = models.DateTimeField(null=True, blank=True)
    ringing_time = models.DateTimeField(null=True, blank=True)
    answer_time = models.DateTimeField(null=True, blank=True)
    hangup_time = models.DateTimeField(null=True, blank=True)
    call_duration = models.PositiveIntegerField("talk time (s)", null=True, blank=True)
    charged_duration = models.PositiveIntegerField("billed time (s)", null=True, blank=True)
    ring_duration = models.PositiveIntegerField("ringing time (s)", null=True, blank=True)
    termination_code = models.CharField(max_length=SIZE["termination_code"], blank=True)
    termination_reason = models.CharField(max_length=SIZE["termination_reason"], blank=True)
    call_status = models.SmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=CallOutcome.choices)
    feedback_value = models.CharField("key pressed", max_length=SIZE["feedback_value"], blank=True)
    cost = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    currency = models.CharField(max_length=SIZE["currency"], blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["call_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["voice_id"], name="call_record_voice_id"),
            # The push refuses a time outside its plausible range (records.EARLIEST_TIME, MAX_AHEAD); the
            # database keeps to a wider fixed one, in which any time shows in any zone: no stored value
            # can break a results page or an export (a year 1 or 10000 could, issue 9).
            models.CheckConstraint(condition=models.Q(*(
                models.Q(**{f"{name}__gte": EARLIEST_TIME, f"{name}__lt": LATEST_RECORD_TIME}) | models.Q(
                    **{f"{name}__isnull": True}) for name in RECORD_TIMES)), name="call_record_times_in_range"),
        ]
        indexes = [models.Index(fields=["campaign", "outcome"]),
                   models.Index(fields=["campaign", "call_time", "id"], name="call_record_campaign_time"),
                   # Call again's counts look a number's calls up (selectors/recalls.py): without it SQLite
                   # scans a campaign's records once per callee (minutes for 100,000 callees).
                   models.Index(fields=["campaign", "callee_number", "outcome"], name="call_record_campaign_number"),
                   # The few records not linked to a campaign: linked when their task id becomes known.
                   models.Index(fields=["task_id"], condition=models.Q(campaign__isnull=True),
                                name="call_record_unlinked")]

    def __str__(self):
        return f"{self.callee_number} ({self.get_outcome_display()})"


class StaffProfile(models.Model):
    """A staff member's own settings for the studio, created when they first save them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[time_zones.validate],
        help_text="Times are shown, and typed, in this zone.",
    )
    phone_number = model_field(  # stored as a callee's number is
        "calleeNumber", verbose_name="your phone number for test calls", blank=True,
        help_text="Calling a campaign to yourself first rings this number.",
    )

    def __str__(self):
        return f"Settings of {self.user}"
