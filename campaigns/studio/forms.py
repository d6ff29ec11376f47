"""The studio's forms, rendered by crispy-forms on Bootstrap 5. Their checks are the models', the
import's (phone numbers) and Django's (passwords)."""
from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.urls import reverse_lazy

from campaigns import rules, time_zones
from campaigns.forms import CalleeForm, ImportOptionsForm, ImportUploadForm, PhoneNumberField, RecallForm
from campaigns.models import CalleeList, StaffProfile


class StackedLayout:
    """Lays the form's fields out one under the other, with one button."""

    submit_label = "Save"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.layout(), Submit("submit", self.submit_label))

    def layout(self):
        return list(self.fields)


class LoginForm(StackedLayout, auth_forms.AuthenticationForm):
    submit_label = "Log in"


class PasswordChangeForm(StackedLayout, auth_forms.PasswordChangeForm):
    submit_label = "Change my password"


class PasswordResetForm(StackedLayout, auth_forms.PasswordResetForm):
    submit_label = "Send me a link"


class SetPasswordForm(StackedLayout, auth_forms.SetPasswordForm):
    submit_label = "Set my new password"


def zone_choices():
    return [("", f"The site's zone ({settings.TIME_ZONE})"), *((name, name) for name in time_zones.names())]


class TimeZoneForm(forms.ModelForm):
    """The zone alone: what the offer of the browser's zone posts."""

    class Meta:
        model = StaffProfile
        fields = ["time_zone"]


class StaffSettingsForm(StackedLayout, forms.ModelForm):
    submit_label = "Save settings"

    class Meta:
        model = StaffProfile
        fields = ["time_zone", "phone_number"]
        labels = {"time_zone": "Your time zone", "phone_number": "Your phone number for test calls"}
        field_classes = {"phone_number": PhoneNumberField}
        # Picking a zone shows the time there (an htmx partial, the same template as on the page).
        widgets = {"time_zone": forms.Select(attrs={"hx-get": reverse_lazy("studio:zone_clock"),
                                                    "hx-target": "#zone-clock", "hx-swap": "outerHTML",
                                                    "hx-trigger": "change"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.choices = zone_choices()

    def layout(self):
        return [Field("time_zone"), HTML('{% include "studio/partials/zone_clock.html" %}'), Field("phone_number")]


# Lists


class CalleeListForm(StackedLayout, forms.ModelForm):
    submit_label = "Create the list and import a file"

    class Meta:
        model = CalleeList
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"name": "How campaigns will refer to it, e.g. \"Spring customers 2026\".",
                      "description": "Optional: where the numbers come from, who may be called."}
        error_messages = {"name": {"unique": "There is already a list with this name; pick another one."}}


class ListImportUploadForm(StackedLayout, ImportUploadForm):
    submit_label = "Upload and preview"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "CSV file"
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.tsv,text/csv,text/plain"
        self.fields["file"].help_text = (
            f"Exported from Excel or your CRM, up to {settings.CALLEE_IMPORT_MAX_MB} MB. One column holds the "
            f"phone numbers; other columns can become the texts of your SMS ({rules.TEXT_FIELDS[0]} to "
            f"{rules.TEXT_FIELDS[-1]}).")


class ListImportOptionsForm(ImportOptionsForm):
    """How the file is read and which of its columns feed what; the page draws the form tag and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].label = "Phone numbers are in"
        for target in self.targets:
            self.fields[target].label = target
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("Which column is what", "number",
                     Row(*(Column(target, css_class="col-sm-6") for target in self.targets))),
            Fieldset("How the file is read",
                     Row(Column("encoding", css_class="col-md"), Column("delimiter", css_class="col-md")),
                     "has_header", "default_region", InlineRadios("on_existing")),
        )


class CalleeSearchForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, label="Search",
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "A number or a text"}))


class ListCalleeForm(StackedLayout, CalleeForm):
    """One callee of a list, its texts labelled as the list names them ("text1 (Name)")."""

    class Meta(CalleeForm.Meta):
        fields = ["number", *rules.TEXT_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for text in rules.TEXT_FIELDS:
            self.fields[text].label = self.instance.callee_list.text_label(text)
            self.fields[text].help_text = ""  # said once for the ten, above them
        self.fields["number"].label = "Phone number"

    def layout(self):
        note = (f'<p class="form-text">Each text fills its variable in the hang-up SMS (text1 fills '
                f'${{text1}}), up to {rules.TEXT_MAX} characters.</p>')
        return ["number", HTML(note), *(Row(*(Column(text, css_class="col-md-6") for text in rules.TEXT_FIELDS[i:i + 2]))
                            for i in range(0, len(rules.TEXT_FIELDS), 2))]


class StudioRecallForm(RecallForm):
    """Call again's choice, each labelled with how many numbers it calls and who they are."""

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, initial={"task_name": self.default_task_name(parent)}, **kwargs)
        self.fields["task_name"].label = "Name of the new run"
        self.fields["failed_only"].choices = [
            (value, f"{label}. {plan.summary}") for (value, label), plan
            in zip(self.fields["failed_only"].choices, self.plans.values())]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("failed_only"), Field("task_name"))

