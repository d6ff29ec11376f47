"""The studio's forms, rendered by crispy-forms on Bootstrap 5. Their checks are the models', the
import's (phone numbers) and Django's (passwords)."""
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.urls import reverse_lazy

from campaigns import time_zones
from campaigns.forms import PhoneNumberField, RecallForm
from campaigns.models import StaffProfile


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

