"""The campaign builder's forms, one a step. Labels, limits, choices and help come from the contract table
(`contract_fields.form_field`); the rules module's problems are shown on the field that sets them.

A step shows only what its choices need: a field it hides is neither checked nor saved, and what was
saved in it stays. Each form posts the names of the fields it showed (`_shown`); a field missing
from the post that the page did not show keeps its stored value.
"""
from __future__ import annotations

from datetime import datetime

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Hidden, Layout, Row
from crispy_bootstrap5.bootstrap5 import Switch
from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.html import format_html

from campaigns import rules, sms
from campaigns.contract_fields import form_field
from campaigns.forms import VoiceFileForm
from campaigns.models import CAMPAIGN_FIELD_FOR, Campaign, SmsTemplate, VoiceFile
from campaigns.selectors.lists import callee_lists, preview_callees
from campaigns.services import bodies, drafts

from . import builder

WINDOW_COUNT = rules.FIELDS["allowSendTime"].max_length
OTHER = "other"  # the picker's choice for a code not in the table
# Problems of the callees listed on one field before the rest are counted in one line.
CALLEE_PROBLEMS_SHOWN = 10
SOURCE_HELP = {
    rules.Source.TEXT_TO_SPEECH: "Type the message; Laaffic reads it out in the voice you pick.",
    rules.Source.VOICE_FILE: "A recording on Laaffic, or one you upload here (sent to Laaffic once, at launch).",
    rules.Source.INLINE_FILE: "A recording sent along with this campaign's task.",
}


class YesNoField(forms.BooleanField):
    """A yes/no field of the request (rules.YesNo) as a switch."""

    widget = forms.CheckboxInput(check_test=lambda value: value not in (None, False, 0, "0", "", "false", "False"))

    def to_python(self, value):
        return rules.YesNo.YES if super().to_python(value) else rules.YesNo.NO


def yes_no(api_name: str, **options) -> YesNoField:
    entry = rules.FIELDS[api_name]
    return YesNoField(**{"label": entry.label, "help_text": entry.help, "required": False, **options})


def time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def window_fields(number: int) -> tuple[forms.TimeField, forms.TimeField]:
    return (forms.TimeField(label=f"Window {number} from", required=False, widget=time_input()),
            forms.TimeField(label=f"Window {number} until", required=False, widget=time_input()))


class RadioCards(Field):
    """Radio buttons as Bootstrap cards, each with a line saying what it means."""

    template = "studio/campaigns/layout/radio_cards.html"


class Details(Div):
    """Fields that can wait, folded away under a summary."""

    template = "studio/campaigns/layout/details.html"

    def __init__(self, summary, *fields, **kwargs):
        super().__init__(*fields, **kwargs)
        self.summary = summary


class StepForm(forms.Form):
    """One step of the builder, bound to a campaign. `model_fields` are Campaign fields it edits as they are;
    `refresh_on` the fields whose change re-renders the step (what it shows depends on them)."""

    step: builder.Step
    model_fields: tuple[str, ...] = ()
    refresh_on: tuple[str, ...] = ()
    refresh_target: dict[str, str] = {}  # what a field's change re-renders, when not the whole step

    def __init__(self, data=None, files=None, *, campaign: Campaign, url: str = "", preset: dict | None = None):
        self.campaign = campaign
        super().__init__(initial={**self.initial_values(campaign), **(preset or {})})
        self.fixed: dict[str, object] = {}  # a choice with one option: shown as text, not asked
        self.fixed_labels: dict[str, tuple[str, str]] = {}
        if data is not None:
            self._bind(data, files)
        shown = self.shown()
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        self._fix_single_choices()
        for field in self.fields.values():  # "Task name is required.", not "This field is required."
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = f"{field.label} is required."
        for name, field in self.fields.items():
            if name in self.refresh_on:
                # A second change while the first re-render is on its way replaces it (it posts both choices).
                target = self.refresh_target.get(name, "#step-fields")
                field.widget.attrs.update({
                    "hx-post": url, "hx-trigger": "change", "hx-target": target, "hx-select": target,
                    "hx-swap": "outerHTML", "hx-vals": '{"_refresh": "1"}', "hx-sync": "closest form:replace"})
            elif self.refresh_on and isinstance(field.widget, (forms.TextInput, forms.Textarea, forms.NumberInput)):
                field.widget.attrs["hx-preserve"] = "true"  # what is typed while a re-render is on its way stays
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*_pruned(self.layout(), self.fields), Hidden("_shown", ",".join(self.fields)))

    def initial_values(self, campaign) -> dict:
        return {name: getattr(campaign, f"{name}_id" if name in ("callee_list", "voice_file", "sms_template")
                              else name) for name in self.model_fields}

    def _bind(self, data, files):
        """Bind to the post, with the stored value of each field the page did not show."""
        posted = set((data.get("_shown") or "").split(","))
        merged = {}
        for name in self.fields:
            if name in posted:
                merged[name] = data.get(name)
            else:
                merged[name] = self[name].value()
        self.posted = posted
        self.data, self.files, self.is_bound = merged, files or {}, True
        self._bound_fields_cache.clear()

    def current(self, name):
        """A field's value as the page shows it now (posted, or stored), as text."""
        if name not in self.fields:
            return ""
        value = self[name].value()
        return "" if value is None else str(value)

    def on(self, name) -> bool:
        return self.current(name) not in ("", "0", "False", "false", "None")

    def shown(self) -> set[str]:
        return set(self.fields)

    def layout(self) -> list:
        return list(self.fields)

    def _fix_single_choices(self):
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.TypedChoiceField) and len(options := list(field.choices)) == 1:
                self.fixed[name] = field.coerce(options[0][0])
                self.fixed_labels[name] = (field.label, options[0][1])
                del self.fields[name]

    def fixed_text(self, name) -> HTML:
        label, value = self.fixed_labels[name]
        return HTML(format_html('<div class="mb-3" id="fixed-{}"><div class="form-label">{}</div>'
                                '<div>{} <span class="text-body-secondary">(the only option Laaffic offers)</span>'
                                '</div></div>', name, label, value))

    def quiet(self):
        """Show the posted values without judging them (a re-render while the person is still choosing)."""
        self._errors, self.cleaned_data = ErrorDict(), {}

    # Saving

    def values(self) -> dict:
        """Model field -> value for every field shown and valid (what is valid is saved, even beside errors)."""
        cleaned = getattr(self, "cleaned_data", {})
        values = {name: cleaned[name] for name in self.model_fields
                  if name in cleaned and name not in self.errors and name in getattr(self, "posted", ())}
        return {**values, **self.fixed}

    # Problems of the rules module, on the field that sets them

    def field_for(self, api_field: str) -> str | None:
        name = CAMPAIGN_FIELD_FOR.get(api_field.split("[")[0].split(".")[0])
        return name if name in self.fields else None

    def show_problems(self, problems: list[rules.Problem]) -> None:
        if self._errors is None:
            self.full_clean() if self.is_bound else self.quiet()
        if not hasattr(self, "cleaned_data"):
            self.cleaned_data = {}
        shown_per_field: dict[str | None, int] = {}
        for problem in problems:
            name = self.field_for(problem.field)
            if name in self.errors and not shown_per_field.get(name):
                continue  # the field's own check already said what is wrong
            count = shown_per_field[name] = shown_per_field.get(name, 0) + 1
            if count <= CALLEE_PROBLEMS_SHOWN:
                self.add_error(name, problem.message)
            elif count == CALLEE_PROBLEMS_SHOWN + 1:
                more = sum(1 for p in problems if self.field_for(p.field) == name) - CALLEE_PROBLEMS_SHOWN
                self.add_error(name, f"…and {more} more like these.")

    def add_error(self, field, error):
        if field is not None and field not in self.fields:
            field = None
        super().add_error(field, error)


class AudienceForm(StepForm):
    step = builder.AUDIENCE
    model_fields = ("task_name", "callee_list", "display_number", "app_id")

    task_name = form_field("taskName")
    callee_list = forms.ModelChoiceField(
        callee_lists().order_by("name"), label=rules.FIELDS["numberInfoList"].label,
        empty_label="Choose a list…", help_text="Everyone on it is called, except numbers on the do-not-call list.",
        error_messages={"required": "Pick the list of numbers to call."})
    display_number = form_field("displayNum", required=False)
    app_id = form_field("appId")

    def __init__(self, *args, counts_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["callee_list"].widget.attrs.update({
            "hx-get": counts_url, "hx-trigger": "change", "hx-target": "#audience-counts", "hx-swap": "outerHTML"})
        self.fields["display_number"].widget.attrs.update({"inputmode": "numeric"})

    def initial_values(self, campaign):
        values = super().initial_values(campaign)
        values["app_id"] = values["app_id"] or settings.LAAFFIC_APP_ID
        return values

    def layout(self):
        app = "app_id"
        if settings.LAAFFIC_APP_ID and self.current("app_id") == settings.LAAFFIC_APP_ID:  # the site's: nothing to ask
            app = Details(f"Laaffic voice app: {settings.LAAFFIC_APP_ID} (the site's)", "app_id")
        return ["task_name", "callee_list", HTML('{% include "studio/campaigns/partials/audience_counts.html" %}'),
                "display_number", app]

    def clean_task_name(self):
        name = self.cleaned_data["task_name"]
        if Campaign.objects.filter(task_name=name).exclude(pk=self.campaign.pk).exists():
            raise forms.ValidationError(rules.task_name_taken_message(name))
        return name


class MessageForm(StepForm):
    step = builder.MESSAGE
    model_fields = ("source", "voice_file", "tts_text", "speaking_rate", "voice_gender", "loop_count",
                    "hang_up_sms", "to_agents")
    refresh_on = ("source", "language", "accent", "hang_up_sms", "to_agents")

    card_help = SOURCE_HELP
    source = form_field("source", widget=forms.RadioSelect)
    tts_text = form_field("text", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    language = forms.ChoiceField(label=rules.FIELDS["lan"].label, required=False, choices=[
        *sorted(rules.LANGUAGES.items(), key=lambda item: item[1]), (OTHER, "Other code…")])
    language_code = form_field("lan", label="Language code", required=False,
                               help_text="Laaffic's code for a language not in the list.")
    accent = forms.ChoiceField(label=rules.FIELDS["accent"].label, required=False)
    accent_code = form_field("accent", label="Accent code", required=False,
                             help_text="The accent's country calling code, e.g. 44 for British English.")
    voice_gender = form_field("ssmlGender", required=False, widget=forms.RadioSelect, empty_value=None)
    speaking_rate = form_field("speakingRate", required=False)
    voice_file = forms.ModelChoiceField(VoiceFile.objects.order_by("name"), required=False, label="Recording",
                                        empty_label="Choose a recording…")
    upload_audio = forms.FileField(required=False, label="Or upload a recording")
    upload_name = form_field("uploadName", label="Its name on Laaffic", required=False,
                             help_text="Empty: the file's own name. 5 to 32 characters ending in .mp3, .m4a or .wav.")
    loop_count = form_field("loopCount")
    hang_up_sms = yes_no("hangUpSms", label="Send a hang-up SMS after each call", help_text="")
    to_agents = yes_no("toSeat", label="Put answered calls through to your agents", help_text="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "voice_gender" in self.fields:
            self.fields["voice_gender"].choices = [("", "Let Laaffic choose"), *self._genders()]
        if "accent" in self.fields:
            self.fields["accent"].choices = self._accents()
        if "tts_text" in self.fields:
            self.fields["tts_text"].widget.attrs.update({
                "maxlength": rules.FIELDS["text"].max_length, "data-counter": "tts-counter"})
        if "speaking_rate" in self.fields:
            self.fields["speaking_rate"].widget.attrs.update({"step": "0.05", "placeholder": "1 (normal speed)"})
        if "upload_audio" in self.fields:
            self.fields["upload_audio"].help_text = VoiceFileForm().fields["audio"].help_text
            self.fields["upload_audio"].widget.attrs["accept"] = ",".join(rules.AUDIO_FORMATS)

    def initial_values(self, campaign):
        values = super().initial_values(campaign)
        language = campaign.language or "EN"
        values["language"], values["language_code"] = ((language, "") if language in rules.LANGUAGES
                                                       else (OTHER, language))
        accents = {row.accent for row in rules.tts_voices(language)}
        values["accent"], values["accent_code"] = ((campaign.accent, "") if campaign.accent in accents | {""}
                                                   else (OTHER, campaign.accent))
        return values

    def _language(self) -> str:
        return self.current("language_code") if self.current("language") == OTHER else self.current("language")

    def _rows(self):
        return rules.tts_voices(self._language())

    def _accents(self):
        rows = self._rows()
        default = next((row.accent_name for row in rows if row.default), "")
        choices = [("", f"Laaffic's default{f' ({default})' if default else ''}")]
        choices += list(dict.fromkeys((row.accent, row.accent_name) for row in rows if row.accent))
        return [*choices, (OTHER, "Other code…")]

    def _genders(self):
        accent = self.current("accent")
        rows = [row for row in self._rows() if row.accent == accent or (not accent and row.default)]
        genders = rows[0].genders if rows else (rules.Gender.FEMALE, rules.Gender.MALE)
        return [(int(g), g.label) for g in sorted(genders, reverse=True)]

    def shown(self):
        source = self.current("source")
        shown = {"source", "loop_count", "hang_up_sms", "to_agents"}
        if source == str(rules.Source.TEXT_TO_SPEECH):
            shown |= {"tts_text", "language", "accent", "voice_gender", "speaking_rate"}
            shown |= {"language_code"} if self.current("language") == OTHER else set()
            shown |= {"accent_code"} if self.current("accent") == OTHER else set()
        elif source:
            shown |= {"upload_audio", "upload_name"}
            shown |= {"voice_file"} if VoiceFile.objects.exists() else set()  # nothing to pick from yet
        return shown

    def layout(self):
        tts = [Field("tts_text"), HTML('<div class="form-text mb-3 text-end" id="tts-counter" aria-live="polite"></div>'),
               Row(Column("language"), Column("language_code")), Row(Column("accent"), Column("accent_code")),
               InlineRadios("voice_gender"), "speaking_rate"]
        recording = ["voice_file", "upload_audio", "upload_name"]
        return [RadioCards("source"), *tts, *recording, "loop_count",
                Fieldset("After the message", Switch("hang_up_sms"), Switch("to_agents"), css_class="mt-4")]

    def clean(self):
        cleaned = super().clean()
        for picked, code in (("language", "language_code"), ("accent", "accent_code")):
            if cleaned.get(picked) == OTHER and not cleaned.get(code) and code in self.fields:
                self.add_error(code, f"Type the {code.split('_')[0]} code, or pick one from the list.")
        upload = cleaned.get("upload_audio")
        if upload:
            self.voice_form = VoiceFileForm(data={"name": cleaned.get("upload_name") or upload.name,
                                                  "provider_file_id": ""}, files={"audio": upload})
            if not self.voice_form.is_valid():
                for name, errors in self.voice_form.errors.items():
                    for error in errors:
                        self.add_error("upload_name" if name == "name" else "upload_audio", error)
        return cleaned

    def values(self):
        values = super().values()
        cleaned = self.cleaned_data
        for picked, code, column in (("language", "language_code", "language"), ("accent", "accent_code", "accent")):
            if picked in self.posted and picked in cleaned and not {picked, code} & set(self.errors):
                values[column] = cleaned.get(code, "") if cleaned[picked] == OTHER else cleaned[picked]
        voice_form = getattr(self, "voice_form", None)
        if voice_form is not None and voice_form.is_valid() and "upload_audio" not in self.errors:
            values["voice_file"] = voice_form.save()  # the recording becomes one of the library's
        return values

    def show_problems(self, problems):
        if self.campaign.voice_file_id is None and "upload_audio" in self.fields:
            # No recording yet: the request's fields for one are missing because none was given; say that.
            recording = {"voiceFileId", "uploadName", "baseFile"}
            problems = [*(p for p in problems if p.field not in recording),
                        *([rules.Problem("voiceFileId", "Pick a recording, or upload one.")]
                          if any(p.field in recording for p in problems) else [])]
        super().show_problems(problems)

    def field_for(self, api_field):
        recording = "voice_file" if "voice_file" in self.fields else "upload_audio"
        name = {"lan": "language_code" if self.current("language") == OTHER else "language",
                "accent": "accent_code" if self.current("accent") == OTHER else "accent",
                "voiceFileId": recording, "uploadName": recording, "baseFile": recording}.get(api_field)
        return name if name in self.fields else super().field_for(api_field)


class SmsForm(StepForm):
    step = builder.SMS
    model_fields = ("hang_up_sms", "sms_template", "sms_on_key_press", "sms_key", "sms_on_success",
                    "sms_success_delay_seconds", "sms_on_failure", "sms_on_ring")
    refresh_on = ("hang_up_sms", "sms_mode", "sms_on_key_press", "sms_on_success")
    TRIGGERS = {"sms_on_key_press": "sms_key", "sms_on_success": "sms_success_delay_seconds",
                "sms_on_failure": None, "sms_on_ring": None}

    hang_up_sms = yes_no("hangUpSms")
    sms_mode = forms.ChoiceField(label="The SMS", widget=forms.RadioSelect, choices=[
        ("pick", "Use a saved template"), ("write", "Write it here")])
    sms_template = forms.ModelChoiceField(SmsTemplate.objects.order_by("name"), required=False,
                                          label="Template", empty_label="Choose a template…")
    sms_content = form_field("smsContent", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sms_app_id = form_field("smsAppId", required=False)
    sms_sender_id = form_field("senderId", required=False)
    preview_callee = forms.ChoiceField(label="Preview for", required=False)
    sms_on_key_press = yes_no("feedbackPush", help_text="")
    sms_key = form_field("feedbackValue", required=False)
    sms_on_success = yes_no("successPush", help_text="")
    sms_success_delay_seconds = form_field("successPushTime", required=False)
    sms_on_failure = yes_no("failedPush", help_text="")
    sms_on_ring = yes_no("ringPush", help_text="")

    def __init__(self, *args, preview_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.callees = {str(c.pk): c for c in preview_callees(self.campaign.callee_list_id)}
        if "preview_callee" in self.fields:
            self.fields["preview_callee"].choices = [(pk, self._callee_label(c)) for pk, c in self.callees.items()]
        live = {"hx-post": preview_url, "hx-target": "#sms-preview", "hx-swap": "innerHTML"}
        for name, trigger in (("sms_content", "input changed delay:300ms"), ("sms_template", "change"),
                              ("preview_callee", "change")):
            if name in self.fields:
                self.fields[name].widget.attrs.update({**live, "hx-trigger": trigger})
        if "sms_content" in self.fields:
            self.fields["sms_content"].widget.attrs["maxlength"] = rules.FIELDS["smsContent"].max_length

    def _callee_label(self, callee) -> str:
        """8613000000001 · text1 (Name): Ana · text2 (City): Madrid: the number and its first two texts."""
        texts = [f"{self.campaign.callee_list.text_label(name)}: {getattr(callee, name)}"
                 for name in rules.TEXT_FIELDS if getattr(callee, name)]
        return " · ".join([callee.number, *texts[:2]])

    def initial_values(self, campaign):
        values = super().initial_values(campaign)
        template = campaign.sms_template
        own = template is not None and template.name.startswith(drafts.own_sms_name(campaign))
        values["sms_mode"] = "write" if own or not SmsTemplate.objects.exists() else "pick"
        if template is not None:
            values.update(sms_content=template.content, sms_app_id=template.sms_app_id,
                          sms_sender_id=template.sender_id)
        return values

    def shown(self):
        if not self.on("hang_up_sms"):
            return {"hang_up_sms"}
        shown = {"hang_up_sms", "preview_callee", *self.TRIGGERS}
        shown |= {"sms_mode"} if SmsTemplate.objects.exists() else set()  # no template to pick: it is written
        shown |= {"sms_template"} if self.current("sms_mode") == "pick" else {"sms_content", "sms_app_id",
                                                                              "sms_sender_id"}
        return shown | {detail for trigger, detail in self.TRIGGERS.items() if detail and self.on(trigger)}

    def layout(self):
        if "preview_callee" not in self.fields:
            return [Switch("hang_up_sms")]
        message = ["sms_template", "sms_content", Row(Column("sms_app_id"), Column("sms_sender_id"))]
        triggers = []
        for trigger, detail in self.TRIGGERS.items():
            triggers.append(Switch(trigger))
            if detail in self.fields:
                triggers.append(Div(detail, css_class="ms-5"))
        return [Switch("hang_up_sms"), *([InlineRadios("sms_mode")] if "sms_mode" in self.fields else []), *message,
                Div("preview_callee", HTML('<div id="sms-preview" aria-live="polite">'
                                           '{% include "studio/campaigns/partials/sms_preview.html" with preview=form.preview %}'
                                           "</div>"), css_class="border rounded p-3 mb-3 bg-body-tertiary"),
                Fieldset("Send it", *triggers)]

    def preview(self) -> dict:
        """The SMS the callee picked for the preview gets: ${textN} filled, characters and parts counted."""
        if self.current("sms_mode") == "pick":
            template = SmsTemplate.objects.filter(pk=self.current("sms_template") or None).first() if (
                self.current("sms_template").isdigit()) else None
            content = template.content if template else ""
        else:
            content = self.current("sms_content")
        return sms_preview(content, self.callees.get(self.current("preview_callee"))
                           or next(iter(self.callees.values()), None), self.campaign.callee_list)

    def values(self):
        values = super().values()
        if self.current("sms_mode") != "pick" and "sms_content" in self.posted and not (
                {"sms_content", "sms_app_id", "sms_sender_id"} & set(self.errors)):
            content = self.cleaned_data.get("sms_content", "")
            if content or self.cleaned_data.get("sms_app_id"):
                values["sms_template"] = drafts.campaign_sms_write(
                    self.campaign, sms_app_id=self.cleaned_data.get("sms_app_id", ""), content=content,
                    sender_id=self.cleaned_data.get("sms_sender_id", ""))
        return values

    def field_for(self, api_field):
        writes = self.current("sms_mode") != "pick"
        if api_field in ("smsAppId", "smsContent", "senderId"):
            name = {"smsAppId": "sms_app_id", "smsContent": "sms_content", "senderId": "sms_sender_id"}[api_field]
            return name if writes else "sms_template"
        if api_field.startswith("numberInfoList["):  # a text the SMS uses is empty for a callee
            return "sms_content" if writes else "sms_template"
        return super().field_for(api_field)

    def show_problems(self, problems):
        if self.current("sms_mode") == "pick" and not self.current("sms_template") and "sms_template" in self.fields:
            # The template's app ID and text are missing because no template is picked: say that instead.
            problems = [rules.Problem("smsContent", "Pick a template, or choose “Write it here”."),
                        *(p for p in problems if p.field not in ("smsAppId", "smsContent"))]
        super().show_problems(problems)


def sms_preview(content: str, callee, callee_list) -> dict:
    values = {name: getattr(callee, name) for name in rules.TEXT_FIELDS} if callee else {}
    filled = rules.sms_filled(content, values)
    empty = [callee_list.text_label(name) for name in rules.sms_placeholders(content)
             if name in rules.TEXT_FIELDS and not values.get(name)]
    return {"content": content, "filled": filled, "count": sms.sms_count(filled), "callee": callee, "empty": empty}


class ScheduleForm(StepForm):
    step = builder.SCHEDULE
    model_fields = ("max_call_seconds", "max_ringing_seconds", "delay_play_seconds", "delay_hangup_seconds")
    refresh_on = ("start_mode", "start_date", "start_time")
    # Typing a date or time only updates the line that gives it in Laaffic's zone, not the fields being typed in.
    refresh_target = {"start_date": "#start-there", "start_time": "#start-there"}
    WINDOWS = [(f"window_{i}_start", f"window_{i}_end") for i in range(1, WINDOW_COUNT + 1)]

    start_mode = forms.ChoiceField(label="Start calling", widget=forms.RadioSelect, choices=[
        ("now", "As soon as it is launched"), ("later", "At a date and time")])
    start_date = forms.DateField(label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"},
                                                                                      format="%Y-%m-%d"))
    start_time = forms.TimeField(label="Time", required=False, widget=time_input())
    max_call_seconds = form_field("maxCalls")
    max_ringing_seconds = form_field("maxRingingTime", required=False)
    delay_play_seconds = form_field("delayPlay", required=False)
    delay_hangup_seconds = form_field("delayHangup", required=False)
    window_1_start, window_1_end = window_fields(1)
    window_2_start, window_2_end = window_fields(2)
    window_3_start, window_3_end = window_fields(3)

    def initial_values(self, campaign):
        values = super().initial_values(campaign)
        if campaign.send_time:
            local = timezone.localtime(campaign.send_time)
            values.update(start_mode="later", start_date=local.date(), start_time=local.time())
        else:
            values["start_mode"] = "now"
        for (start, end), window in zip(self.WINDOWS, bodies.typed_windows(campaign.calling_windows or [],
                                                                           campaign.send_time)):
            values[start], values[end] = window
        return values

    def shown(self):
        shown = set(self.fields)
        return shown if self.current("start_mode") == "later" else shown - {"start_date", "start_time"}

    def layout(self):
        zone = timezone.get_current_timezone_name()
        windows = [Row(Column(start), Column(end), css_class="window-row") for start, end in self.WINDOWS]
        start = [Row(Column("start_date"), Column("start_time"))] if "start_date" in self.fields else []
        return [
            InlineRadios("start_mode"), *start,
            HTML('<p class="form-text" id="start-there">{{ form.start_there }}</p>'),
            Fieldset(f"Calling windows (your time, {zone})",
                     HTML(f'<p class="form-text">Up to {WINDOW_COUNT} daily windows; calls are only made inside them. '
                          "Leave them empty to call at any time.</p>"), *windows,
                     HTML('<p class="form-text" id="windows-there">{{ form.windows_there }}</p>')),
            Details("Call timing (the defaults suit most campaigns)", Row(Column("max_call_seconds"),
                    Column("max_ringing_seconds")), Row(Column("delay_play_seconds"), Column("delay_hangup_seconds"))),
        ]

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(f"{day:%Y-%m-%d} is in the past; pick today or a later date, or choose "
                                        "“As soon as it is launched”.")
        return day

    def _send_time(self):
        day, clock = self.cleaned_data.get("start_date"), self.cleaned_data.get("start_time")
        if self.cleaned_data.get("start_mode") != "later":
            return None
        if day is None or clock is None:
            for name, value in (("start_date", day), ("start_time", clock)):
                if value is None and name not in self.errors:
                    self.add_error(name, "Give the date and the time calling starts, or choose “As soon as it is launched”.")
            raise ValueError
        try:
            return rules.wall_time(datetime.combine(day, clock), timezone.get_current_timezone())
        except ValueError as error:
            self.add_error("start_time", str(error))
            raise

    @property
    def start_there(self) -> str:
        """The start in Laaffic's zone, beside the one typed (or the time there now)."""
        zone = bodies.provider_tz()
        try:
            day = datetime.strptime(self.current("start_date"), "%Y-%m-%d").date()
            clock = datetime.strptime(self.current("start_time")[:5], "%H:%M").time()
            there = rules.wall_time(datetime.combine(day, clock), timezone.get_current_timezone()).astimezone(zone)
        except (ValueError, OverflowError):
            return f"Laaffic calls by its own clock, in {zone.key}, where it is {timezone.now().astimezone(zone):%H:%M} now."
        return f"That is {there:%Y-%m-%d %H:%M} in Laaffic's zone ({zone.key})."

    @property
    def windows_there(self) -> str:
        """The stored windows as Laaffic gets them."""
        windows = self.campaign.calling_windows or []
        if not windows:
            return ""
        sent = ", ".join(f"{w.get('start')}–{w.get('end')}" for w in windows)
        return f"Sent to Laaffic in its zone ({bodies.provider_tz().key}) as {sent}."

    def clean(self):
        cleaned = super().clean()
        try:
            self.send_time = self._send_time()
        except ValueError:
            pass
        typed = []
        for start, end in self.WINDOWS:
            a, b = cleaned.get(start), cleaned.get(end)
            if a is None and b is None:
                continue
            if a is None or b is None:
                self.add_error(start if a is None else end, "Give both the start and the end of this calling window.")
                continue
            if a == b:
                self.add_error(end, "The window ends when it starts; it would never call.")
                continue
            typed.append((a, b, start))
        day = timezone.localtime(getattr(self, "send_time", None) or timezone.now()).date()
        windows = bodies.provider_windows([(a, b) for a, b, _ in typed], day)
        if len(windows) > WINDOW_COUNT:
            crossing = [(a, b, start) for a, b, start in typed if len(bodies.provider_windows([(a, b)], day)) > 1]
            a, b, start = crossing[0]
            there = bodies.provider_windows([(a, b)], day)
            self.add_error(start, (
                f"{a:%H:%M}–{b:%H:%M} runs past midnight in Laaffic's zone ({bodies.provider_tz().key}), so it would "
                f"be sent as two windows ({there[0]['start']}–{there[0]['end']} and {there[1]['start']}–"
                f"{there[1]['end']}); that makes {len(windows)} windows and Laaffic takes at most {WINDOW_COUNT}. "
                "Remove a window, or end this one before midnight there."))
        else:
            self.calling_windows = windows
        return cleaned

    def values(self):
        values = super().values()
        if "start_mode" in self.posted and not {"start_mode", "start_date", "start_time"} & set(self.errors):
            values["send_time"] = getattr(self, "send_time", None)
        if hasattr(self, "calling_windows") and not any(name in self.errors for pair in self.WINDOWS for name in pair):
            values["calling_windows"] = self.calling_windows
        return values

    def field_for(self, api_field):
        if api_field == "sendTime":
            return "start_time" if "start_time" in self.fields else "start_mode"
        if api_field.startswith("allowSendTime"):  # windows split at midnight are not numbered as typed
            return next((name for pair in self.WINDOWS for name in pair if name in self.errors), "window_1_start")
        return super().field_for(api_field)


class AgentsForm(StepForm):
    step = builder.AGENTS
    model_fields = ("to_agents", "agent_group_id", "outbound_control", "callout_rate", "transfer_when",
                    "transfer_key", "transfer_delay_seconds")
    refresh_on = ("to_agents", "transfer_when")

    to_agents = yes_no("toSeat")
    agent_group_id = form_field("sipGroupId", required=False)
    outbound_control = form_field("outboundControl", required=False)
    callout_rate = form_field("calloutRate", required=False)
    transfer_when = form_field("toSeatType", required=False, widget=forms.RadioSelect, empty_value=None)
    transfer_key = form_field("toSeatKey", required=False)
    transfer_delay_seconds = form_field("delayTransfer", required=False)

    def shown(self):
        if not self.on("to_agents"):
            return {"to_agents"}
        shown = set(self.fields)
        if self.current("transfer_when") != str(rules.TransferWhen.ON_KEY):
            shown -= {"transfer_key", "transfer_delay_seconds"}
        return shown

    def layout(self):
        pacing = [self.fixed_text("outbound_control")] if "outbound_control" in self.fixed else (
            ["outbound_control"] if "outbound_control" in self.fields else [])
        rest = [name for name in ("agent_group_id", "callout_rate", "transfer_when", "transfer_key",
                                  "transfer_delay_seconds") if name in self.fields]
        return [Switch("to_agents"), *rest[:1], *pacing, *rest[1:]]


def _pruned(items, fields) -> list:
    """The layout without the fields the form does not show (and the rows and columns left empty)."""
    kept = []
    for item in items:
        if isinstance(item, str):
            if item in fields:
                kept.append(item)
        elif hasattr(item, "fields") and not isinstance(item, (HTML, Hidden)):
            children = _pruned(item.fields, fields)
            if any(not isinstance(child, HTML) for child in children):
                item.fields = children
                kept.append(item)
        else:
            kept.append(item)
    return kept


FORMS = {form.step.slug: form for form in (AudienceForm, MessageForm, SmsForm, ScheduleForm, AgentsForm)}
