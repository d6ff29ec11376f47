"""The admin's and the studio's forms. Their checks are the rules module's and the import's, mapped onto form fields."""
import copy
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import construct_instance
from django.utils import timezone

import phonenumbers

from . import rules
from .contract_fields import form_field
from .importers import phones
from .importers.callees import DELIMITER_NAMES, CsvRefused, FileFormat
from .models import CAMPAIGN_FIELD_FOR, Callee, Campaign, ImportJob, SmsTemplate, SuppressedNumber, VoiceFile
from .selectors.lists import import_preview
from .selectors.recalls import RecallPlan
from .services import bodies, imports
from .services.campaigns import InvalidCampaign, campaign_problems
from .services.tracking import campaign_call_again

WINDOW_COUNT = rules.FIELDS["allowSendTime"].max_length
# API name -> form field, for the yes/no switches: a choice of the two, never empty.
YES_NO_FIELDS = {name: entry.column for name, entry in rules.FIELDS.items()
                 if entry.choices is rules.YesNo and entry.model == "Campaign"}
CALLEE_ERRORS_SHOWN = 10


def window_field(label):
    return forms.TimeField(
        label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class LocalDateTimeField(forms.SplitDateTimeField):
    """A date and time in the staff member's zone, read with the rules module: a time the clocks skip
    is refused saying so, and of a time that happens twice the first is taken (the form notes it)."""

    def compress(self, data_list):
        if not data_list or any(part in self.empty_values for part in data_list):
            return super().compress(data_list)  # empty, or Django's "enter a valid date/time"
        try:
            return rules.wall_time(datetime.combine(*data_list), timezone.get_current_timezone())
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error


class CampaignForm(forms.ModelForm):
    # Calling windows in the staff member's zone; stored in Laaffic's (calling_windows).
    window_1_start = window_field("Calling window 1: from")
    window_1_end = window_field("until")
    window_2_start = window_field("Calling window 2: from")
    window_2_end = window_field("until")
    window_3_start = window_field("Calling window 3: from")
    window_3_end = window_field("until")
    # Sent as text, as the page's table types it.
    sms_key = form_field("feedbackValue", required=False)

    class Meta:
        model = Campaign
        exclude = [*Campaign.SYSTEM_FIELDS, "calling_windows"]
        widgets = {
            "tts_text": forms.Textarea(attrs={"rows": 4, "maxlength": rules.FIELDS["text"].max_length}),
            "send_time": AdminSplitDateTime,
        }
        field_classes = {"send_time": LocalDateTimeField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for api_name, name in YES_NO_FIELDS.items():
            self.fields[name] = form_field(api_name, required=True)
        zone = timezone.get_current_timezone_name()
        help_texts = {
            "send_time": f"Your time ({zone}). Empty to start calling straight away.",
            "window_1_start": f"Up to {WINDOW_COUNT} daily windows in your time ({zone}); calls are only made "
                              "inside them. Leave all empty to call at any time.",
        }
        for name, text in help_texts.items():
            if name in self.fields:  # read-only views have no fields
                self.fields[name].help_text = text
        windows = bodies.local_windows(self.instance.calling_windows or [], self.instance.send_time)
        for i, (start, end) in enumerate(windows[:WINDOW_COUNT], start=1):
            self.initial[f"window_{i}_start"] = start
            self.initial[f"window_{i}_end"] = end

    def _windows(self) -> list[dict]:
        day = timezone.localtime(self.cleaned_data.get("send_time") or timezone.now()).date()
        windows = []
        for i in range(1, WINDOW_COUNT + 1):
            start, end = (self.cleaned_data.get(f"window_{i}_{part}") for part in ("start", "end"))
            if start is None and end is None:
                continue
            if start is None or end is None:
                self.add_error(f"window_{i}_start" if start is None else f"window_{i}_end",
                               "Give both the start and the end of this calling window.")
                continue
            windows.append({"start": bodies.window_to_provider(start, day),
                            "end": bodies.window_to_provider(end, day)})
        return windows

    def clean(self):
        cleaned = super().clean()
        self.notes = self._notes(cleaned.get("send_time"))
        candidate = copy.copy(self.instance)
        construct_instance(self, candidate, self._meta.fields, self._meta.exclude)
        candidate.calling_windows = self._windows()
        if self.errors.get("callee_list") or candidate.callee_list_id is None:
            return cleaned
        self.calling_windows = candidate.calling_windows
        callee_errors = 0
        for problem in campaign_problems(candidate):
            field = self._form_field(problem.field)
            if field in self.errors:
                continue
            if field == "callee_list" and problem.field.startswith("numberInfoList["):
                callee_errors += 1
                if callee_errors > CALLEE_ERRORS_SHOWN:
                    continue
                position = int(problem.field[len("numberInfoList["):].split("]")[0]) + 1
                self.add_error(field, f"Callee {position}: {problem.message}")
            else:
                self.add_error(field, problem.message)
        if callee_errors > CALLEE_ERRORS_SHOWN:
            self.add_error("callee_list", f"…and {callee_errors - CALLEE_ERRORS_SHOWN} more problems with "
                                          "callees. Fix the list, then save again.")
        return cleaned

    @staticmethod
    def _notes(send_time) -> list[str]:
        """Which of two equal clock times the start is, in the staff member's zone and in Laaffic's."""
        if send_time is None:
            return []
        # When both zones are the same, it is said once.
        zones = {timezone.get_current_timezone_name(): "is used", bodies.provider_tz().key: "is sent"}
        return [note for name, outcome in zones.items()
                if (note := rules.fold_note(send_time, ZoneInfo(name), outcome))]

    def _form_field(self, api_field: str) -> str | None:
        if api_field.startswith("numberInfoList"):
            return "callee_list"
        if api_field.startswith("allowSendTime["):
            i = int(api_field[len("allowSendTime["):].split("]")[0]) + 1
            part = "end" if api_field.endswith("endTime") else "start"
            return f"window_{i}_{part}" if i <= WINDOW_COUNT else None
        field = CAMPAIGN_FIELD_FOR.get(api_field)  # rule problems belong to the form field that sets it
        return field if field in self.fields else None

    def save(self, commit=True):
        self.instance.calling_windows = getattr(self, "calling_windows", self.instance.calling_windows)
        return super().save(commit)


class PhoneNumberField(forms.CharField):
    """A phone number as people type it, checked and stored as the CSV import stores it."""

    def __init__(self, **kwargs):
        kwargs.update(max_length=None, help_text="Country code first, as you would dial it from abroad "
                      "(e.g. +34 612 345 679); it is stored as digits only (34612345679).")
        super().__init__(**kwargs)
        self.widget.attrs["maxlength"] = 40  # room for spaces, dashes and brackets

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        number, reason = phones.normalize(value)
        if reason:
            raise ValidationError(reason, code="invalid")
        return number


class CalleeForm(forms.ModelForm):
    class Meta:
        model = Callee
        fields = "__all__"
        field_classes = {"number": PhoneNumberField}

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("number")
        list_id = cleaned["callee_list"].pk if cleaned.get("callee_list") else self.instance.callee_list_id
        # On the number, saying which: a number typed another way than it is stored is not obviously the same.
        if number and list_id and Callee.objects.filter(callee_list_id=list_id, number=number).exclude(
                pk=self.instance.pk).exists():
            self.add_error("number", f"This number ({number}) is already in the list. Search the list for it "
                                     "and change that callee instead.")
        return cleaned


class SuppressedNumberForm(forms.ModelForm):
    class Meta:
        model = SuppressedNumber
        fields = "__all__"
        field_classes = {"number": PhoneNumberField}
        error_messages = {"number": {"unique": "This number is already on the do-not-call list."}}


class SmsTemplateForm(forms.ModelForm):
    class Meta:
        model = SmsTemplate
        fields = "__all__"

    def clean_content(self):
        content = self.cleaned_data["content"]
        problems = rules.sms_content_problems(content)
        if problems:
            raise ValidationError(problems)
        return content


class VoiceFileForm(forms.ModelForm):
    class Meta:
        model = VoiceFile
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "audio" in self.fields:
            self.fields["audio"].help_text = (f"The recording: MP3, M4A or WAV, up to {settings.VOICE_FILE_MAX_MB} MB, "
                                              "in the format its file name says.")

    def clean(self):
        cleaned = super().clean()
        name, audio = cleaned.get("name"), cleaned.get("audio")
        if audio and name:  # a recording is sent to Laaffic under its name
            problem = rules.upload_name_problem(name)
            if problem:
                self.add_error("name", problem)
        if isinstance(audio, UploadedFile):  # a new file; the stored one was checked when it came
            problem = bodies.audio_size_problem(audio.size)
            if not problem:
                head = audio.read(rules.AUDIO_HEAD_BYTES)
                audio.seek(0)
                problem = rules.audio_problem(name or audio.name, head, attached=audio.name)
            if problem:
                self.add_error("audio", problem)
        if not audio and not cleaned.get("provider_file_id") and "name" not in self.errors:
            self.add_error("audio", "Attach the recording (MP3, M4A or WAV), or give the Laaffic voice file ID "
                                    "of one already uploaded.")
        return cleaned


# Importing a CSV file: the upload, then how it is read and which columns feed what.

# Keys as codecs.lookup() names them, which is how detection reports an encoding.
ENCODINGS = [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16 (Excel Unicode text)"),
             ("utf-32", "UTF-32"),
             ("cp1252", "Windows-1252 (Western Europe)"), ("cp1250", "Windows-1250 (Central Europe)"),
             ("cp1251", "Windows-1251 (Cyrillic)"), ("cp1253", "Windows-1253 (Greek)"),
             ("cp1254", "Windows-1254 (Turkish)"), ("cp1256", "Windows-1256 (Arabic)"),
             ("cp1257", "Windows-1257 (Baltic)"), ("koi8-r", "KOI8-R"), ("gb18030", "GB18030 (Chinese)"),
             ("big5", "Big5 (Chinese)"), ("shift_jis", "Shift JIS (Japanese)"), ("euc_kr", "EUC-KR (Korean)")]
COUNTRIES = [("", "None: every number has its country code")] + sorted(
    ((region, f"{region} (+{phonenumbers.country_code_for_region(region)})")
     for region in phonenumbers.SUPPORTED_REGIONS), key=lambda choice: choice[1])
IGNORED = ""
COLUMN_NAME_SHOWN = 40


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="A .csv or .txt file exported from Excel or your CRM.")


class ImportOptionsForm(forms.Form):
    encoding = forms.ChoiceField(choices=ENCODINGS)
    delimiter = forms.ChoiceField(choices=list(DELIMITER_NAMES.items()))
    has_header = forms.BooleanField(required=False, label="The first row holds column names")
    default_region = forms.ChoiceField(
        choices=COUNTRIES, required=False, label="Default country",
        help_text="For numbers written without their country code, such as 0912 345 678.")
    on_existing = forms.ChoiceField(choices=ImportJob.OnExisting.choices, widget=forms.RadioSelect,
                                    label="Numbers already in the list")

    def __init__(self, *args, columns, targets, **kwargs):
        super().__init__(*args, **kwargs)
        column_choices = [(str(i), name) for i, name in enumerate(columns)]
        self.fields["number"] = forms.ChoiceField(choices=column_choices, label="Phone number column")
        self.targets = targets
        for target in targets:
            self.fields[target] = forms.ChoiceField(
                choices=[(IGNORED, "Not used")] + column_choices, required=False,
                label=f"{target} comes from")

    @classmethod
    def for_job(cls, job, fmt, data=None):
        width = max([len(fmt.header), *(len(row) for row in fmt.sample)], default=1)
        columns = [_column_name(fmt, i) for i in range(width)]
        initial = {
            "encoding": job.encoding, "delimiter": job.delimiter, "has_header": job.has_header,
            "default_region": job.default_region, "on_existing": job.on_existing,
            "number": str(job.mapping["number"]),
            **{t: str(i) for t, i in job.mapping.get("texts", {}).items()},
        }
        form = cls(data, initial=initial, columns=columns, targets=imports.job_target(job).targets)
        if job.encoding not in dict(ENCODINGS):  # detected but not listed: offer it, or the form would lose it
            form.fields["encoding"].choices = [(job.encoding, job.encoding), *ENCODINGS]
        return form

    @classmethod
    def preview(cls, job, data=None):
        """The form and a dry run of the job, after applying `data` if valid: (form, preview, refusal).

        The preview is None, and the refusal says why, when the file cannot be read as configured."""
        try:
            form = cls.for_job(job, imports.job_format(job), data)
            if data is not None and form.is_valid():
                form.apply(job)
                job.save()
                form = cls.for_job(job, imports.job_format(job))
            return form, import_preview(job), ""
        except CsvRefused as refused:
            # A format to draw the form with when the chosen encoding cannot read the file.
            fallback = FileFormat(job.encoding, job.delimiter, job.has_header, [], [])
            return cls.for_job(job, fallback), None, refused.message

    def apply(self, job) -> None:
        data = self.cleaned_data
        job.encoding, job.delimiter, job.has_header = data["encoding"], data["delimiter"], data["has_header"]
        job.default_region, job.on_existing = data["default_region"], data["on_existing"]
        job.mapping = {"number": int(data["number"]),
                       "texts": {t: int(data[t]) for t in self.targets if data.get(t) not in (None, IGNORED)}}


def _column_name(fmt, index: int) -> str:
    if fmt.has_header and index < len(fmt.header) and fmt.header[index].strip():
        return f"{index + 1}: {fmt.header[index].strip()[:COLUMN_NAME_SHOWN]}"
    example = next((row[index] for row in fmt.sample if index < len(row) and row[index].strip()), "")
    return f"{index + 1}: e.g. {example[:20]}" if example else f"Column {index + 1}"


class RecallForm(forms.Form):
    task_name = form_field("taskName")
    failed_only = forms.TypedChoiceField(label="Who to call", coerce=lambda v: v == "1", initial="1",
                                         widget=forms.RadioSelect)

    def __init__(self, *args, plans: dict[bool, RecallPlan], **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = plans
        labels = {True: "Only the numbers that were not reached", False: "Every number again"}
        self.fields["failed_only"].choices = [("1" if failed_only else "0", labels[failed_only])
                                              for failed_only in plans]

    @staticmethod
    def default_task_name(parent: Campaign) -> str:
        return f"{parent.task_name} (again)"[:rules.FIELDS["taskName"].max_length]

    def choices(self):
        """Each choice's radio button with who it calls."""
        return list(zip(self["failed_only"], self.plans.values()))

    def clean_failed_only(self):
        failed_only = self.cleaned_data["failed_only"]
        if self.plans[failed_only].refusal:
            raise forms.ValidationError(self.plans[failed_only].refusal)
        return failed_only

    def call_again(self, parent: Campaign, user):
        """Start the run the (valid) form describes, as `campaign_call_again` returns it; None, with what
        stopped it on the form, when it cannot be made."""
        try:
            return campaign_call_again(parent, self.cleaned_data["task_name"],
                                       failed_only=self.cleaned_data["failed_only"], user=user)
        except InvalidCampaign as invalid:
            for problem in invalid.problems:
                self.add_error("task_name" if problem.field == "taskName" else None, problem.message)
            return None
