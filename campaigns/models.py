"""Campaign data. Fields use Python names; the provider's names appear only where
the request body is built (campaigns/services/bodies.py)."""
from datetime import datetime, timezone

from django.conf import settings
from django.db import models

from . import rules, time_zones
from .laaffic.records import EARLIEST_TIME, MAX_LENGTHS as SIZE

YES_NO = [(0, "No"), (1, "Yes")]


class CalleeList(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "callee list"

    def __str__(self):
        return self.name


class Callee(models.Model):
    # Indexed by callee_once_per_list (list, number); a second index on the list alone only tempts
    # PostgreSQL into scanning a whole list for one number when its statistics are stale.
    callee_list = models.ForeignKey(CalleeList, on_delete=models.CASCADE, related_name="callees", db_index=False)
    number = models.CharField(
        "phone number", max_length=15,
        help_text="Digits only, country code first, 7 to 15 digits (e.g. 8613000000001).",
    )
    text1 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text2 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text3 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text4 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text5 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text6 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text7 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text8 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text9 = models.CharField(max_length=rules.TEXT_MAX, blank=True)
    text10 = models.CharField(max_length=rules.TEXT_MAX, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["callee_list", "number"], name="callee_once_per_list"),
        ]

    def __str__(self):
        return self.number


class SmsTemplate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    sms_app_id = models.CharField(
        "SMS app ID", max_length=rules.MAX_LENGTHS["smsAppId"],
        help_text="The SMS application's ID from your Laaffic console.",
    )
    content = models.TextField(
        "SMS text",
        help_text="Up to 1000 characters. ${text1} to ${text10} are replaced by each callee's "
                  "Text 1 to Text 10.",
    )
    sender_id = models.CharField(
        "sender ID", max_length=rules.MAX_LENGTHS["senderId"], blank=True,
        help_text="Optional, up to 32 characters.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "SMS template"

    def __str__(self):
        return self.name


class VoiceFile(models.Model):
    name = models.CharField(
        "file name", max_length=rules.MAX_LENGTHS["uploadName"], unique=True,
        help_text="5 to 32 characters, with its extension (.mp3, .m4a or .wav).",
    )
    audio = models.FileField(upload_to="voice_files/", blank=True)
    provider_file_id = models.CharField(
        "Laaffic voice file ID", max_length=rules.MAX_LENGTHS["voiceFileId"], blank=True,
        help_text="Filled in when the file is uploaded to Laaffic; leave empty for new files.",
    )
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderStatus(models.IntegerChoices):
    """Task statuses of voice/group/call/query (voice-api-reference.md 4.3)."""

    WAITING = 0, "Waiting to start"
    CALLING = 1, "Calling"
    FINISHED = 2, "Finished"
    SUBMISSION_FAILED = 3, "Submission failed"
    CANCELLED = 4, "Cancelled"
    PAUSED = 5, "Paused"
    SUBMITTING = 6, "Being set up"


# Laaffic statuses after which a task changes no more.
FINAL_PROVIDER_STATUSES = (ProviderStatus.FINISHED, ProviderStatus.SUBMISSION_FAILED, ProviderStatus.CANCELLED)


class Campaign(models.Model):
    ProviderStatus = ProviderStatus

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Queued"
        SUBMITTING = "submitting", "Submitting"
        SUBMITTED = "submitted", "Submitted"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Unknown: check before resending"

    class Source(models.IntegerChoices):
        VOICE_FILE = 1, "Recorded file already on Laaffic"
        INLINE_FILE = 2, "Recorded file sent with the task"
        TEXT_TO_SPEECH = 3, "Text-to-speech"

    class Gender(models.IntegerChoices):
        MALE = 1, "Male"
        FEMALE = 2, "Female"

    class TransferWhen(models.IntegerChoices):
        AFTER_MESSAGE = 1, "After the message has played"
        ON_KEY = 2, "When the callee presses a key"

    # Task
    task_name = models.CharField(
        max_length=rules.MAX_LENGTHS["taskName"], unique=True,
        help_text="2 to 64 characters. Laaffic needs a new name for every task.",
    )
    app_id = models.CharField(
        "voice app ID", max_length=rules.MAX_LENGTHS["appId"],
        help_text="The voice application's ID from your Laaffic console.",
    )
    display_number = models.CharField(
        "caller ID shown", max_length=rules.MAX_LENGTHS["displayNum"], blank=True,
        help_text="The number callees see, up to 20 digits. Leave empty for Laaffic's default.",
    )
    callee_list = models.ForeignKey(CalleeList, on_delete=models.PROTECT, related_name="campaigns")

    # Message
    source = models.PositiveSmallIntegerField(
        "message source", choices=Source.choices, default=Source.TEXT_TO_SPEECH,
    )
    voice_file = models.ForeignKey(
        VoiceFile, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        help_text="The recorded message, for the two recorded-file sources.",
    )
    tts_text = models.TextField(
        "text to speak", blank=True,
        help_text="For text-to-speech: up to 1000 characters.",
    )
    language = models.CharField(
        max_length=rules.MAX_LENGTHS["lan"], blank=True,
        help_text="For text-to-speech: Laaffic's language code, e.g. "
                  + ", ".join(f"{code} ({name})" for code, name in rules.KNOWN_LANGUAGES.items()) + ".",
    )
    speaking_rate = models.FloatField(
        null=True, blank=True,
        help_text="0.25 to 4 times normal speed. Empty for normal speed.",
    )
    voice_gender = models.PositiveSmallIntegerField(
        "voice", choices=Gender.choices, null=True, blank=True,
        help_text="Empty lets Laaffic choose (female where there are several voices).",
    )
    accent = models.CharField(
        max_length=rules.MAX_LENGTHS["accent"], blank=True,
        help_text="Optional accent code, e.g. 1 (US English), 91 (India).",
    )

    # Schedule
    send_time = models.DateTimeField(
        "scheduled start", null=True, blank=True, help_text="Empty to start calling straight away.",
    )
    calling_windows = models.JSONField(
        default=list, blank=True,
        help_text="Up to 3 daily windows, in Laaffic's time zone, as "
                  '[{"start": "09:00", "end": "18:00"}].',
    )
    loop_count = models.PositiveSmallIntegerField(
        "times played", default=1, help_text="How many times the message plays: 1 to 9.",
    )
    max_call_seconds = models.PositiveSmallIntegerField(
        "maximum call length", default=60,
        help_text="Seconds after the callee answers before the call is hung up: 1 to 999.",
    )
    max_ringing_seconds = models.PositiveSmallIntegerField(
        "maximum ringing time", null=True, blank=True, default=60,
        help_text="Seconds to let the phone ring: 20 to 120 (Laaffic's default is 60).",
    )
    delay_play_seconds = models.PositiveSmallIntegerField(
        "delay before playing", null=True, blank=True, default=0,
        help_text="Seconds of silence after answering before the message: 0 to 999.",
    )
    delay_hangup_seconds = models.PositiveSmallIntegerField(
        "delay before hanging up", null=True, blank=True, default=0,
        help_text="Seconds to wait after the message before hanging up: 0 to 999.",
    )

    # Hang-up SMS
    hang_up_sms = models.PositiveSmallIntegerField(
        "send a hang-up SMS", choices=YES_NO, null=True, blank=True, default=0,
    )
    sms_template = models.ForeignKey(
        SmsTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        verbose_name="SMS template",
    )
    sms_on_key_press = models.PositiveSmallIntegerField(
        "SMS on key press", choices=YES_NO, null=True, blank=True, default=0,
    )
    # JSON keeps the form it was given in: the page's table says String, its example a number.
    sms_key = models.JSONField(
        "key that triggers the SMS", null=True, blank=True, help_text="One key, 0 to 9.",
    )
    sms_on_success = models.PositiveSmallIntegerField(
        "SMS after an answered call", choices=YES_NO, null=True, blank=True, default=0,
    )
    sms_success_delay_seconds = models.PositiveSmallIntegerField(
        "SMS delay after an answered call", null=True, blank=True,
        help_text="Seconds after the call before the SMS goes out: 0 to 9999.",
    )
    sms_on_failure = models.PositiveSmallIntegerField(
        "SMS after a failed call", choices=YES_NO, null=True, blank=True, default=0,
    )
    sms_on_ring = models.PositiveSmallIntegerField(
        "SMS when the phone rings", choices=YES_NO, null=True, blank=True, default=0,
    )

    # Transfer to agents
    to_agents = models.PositiveSmallIntegerField(
        "transfer to agents", choices=YES_NO, null=True, blank=True, default=0,
    )
    agent_group_id = models.PositiveIntegerField("agent group ID", null=True, blank=True)
    outbound_control = models.PositiveSmallIntegerField(
        "outbound pacing", choices=[(1, "Proportional")], null=True, blank=True,
    )
    callout_rate = models.PositiveSmallIntegerField(
        "calls per agent", null=True, blank=True, help_text="1 to 100 calls per available agent.",
    )
    transfer_when = models.PositiveSmallIntegerField(
        "when to transfer", choices=TransferWhen.choices, null=True, blank=True,
    )
    transfer_key = models.PositiveSmallIntegerField(
        "transfer key", null=True, blank=True,
        help_text="The key (0 to 9) callees press to reach an agent.",
    )
    transfer_delay_seconds = models.PositiveIntegerField(
        "delay before transfer", null=True, blank=True,
        help_text="Seconds; used when callees press a key to reach an agent.",
    )

    # A re-call ("Call again") of an earlier campaign's numbers, sent through voice/group/call/resend.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="recalls",
        verbose_name="call again of",
    )
    recall_failed_only = models.BooleanField(
        "only the numbers that were not reached", default=False,
    )

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
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.FAILED)

    @property
    def is_resend(self):
        """A re-call on its parent's own list is Laaffic's resend of that run; one with a list of its
        own (the numbers left, see services/recalls.py) is a new group call."""
        return self.parent_id is not None and self.callee_list_id == self.parent.callee_list_id


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

    number = models.CharField("phone number", max_length=15, unique=True)
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

    class Outcome(models.TextChoices):
        ANSWERED = "answered", "Answered"
        NO_ANSWER = "no_answer", "No answer"
        BUSY = "busy", "Busy"
        VOICEMAIL = "voicemail", "Voicemail"
        FAILED = "failed", "Failed"

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
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
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
    phone_number = models.CharField(
        "your phone number for test calls", max_length=15, blank=True,  # digits, as Callee.number
        help_text="Calling a campaign to yourself first rings this number.",
    )

    def __str__(self):
        return f"Settings of {self.user}"
