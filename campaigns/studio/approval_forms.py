"""The forms of the approval panel and the test call, rendered by crispy-forms; each posts by htmx into its
own panel (and works as a plain form without script)."""
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.core.validators import RegexValidator
from django.urls import reverse

from campaigns import rules
from campaigns.models import Callee, Campaign
from campaigns.selectors.test_calls import test_call_callees
from campaigns.services.approval import COMMENT_MAX


def panel_helper(action: str, target: str, submit: Submit, *fields) -> FormHelper:
    helper = FormHelper()
    helper.form_action = action
    helper.attrs = {"hx-post": action, "hx-target": target, "hx-swap": "outerHTML"}
    helper.layout = Layout(*fields, submit)
    return helper


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="What should change", max_length=COMMENT_MAX, strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
        help_text="Whoever asked sees this on the campaign, which they can change again.",
        error_messages={"required": "Say what should change before sending it back."},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = panel_helper(reverse("studio:approval_send_back", args=[campaign.pk]), "#approval-panel",
                                   Submit("send_back", "Send back", css_class="btn-outline-danger"),
                                   Field("comment"), Field("next"))


KEY = RegexValidator(r"\A[0-9a-f]{32}\Z", "This page is out of date: reload it and try again.")


class TestCallForm(forms.Form):
    """Whose texts the test call uses; `key` names the click, so sending it again sends nothing more."""

    callee = forms.ModelChoiceField(
        queryset=Callee.objects.none(), label="With the texts of",
        error_messages={"invalid_choice": "Pick one of the callees offered.",
                        "required": "Pick whose texts the test call uses."})
    key = forms.CharField(label="Call me first", widget=forms.HiddenInput, max_length=32, validators=[KEY])
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        # Any callee of the list is accepted; the first few are offered (a list may hold 100,000).
        callee_list = campaign.callee_list
        self.fields["callee"].queryset = Callee.objects.filter(callee_list_id=campaign.callee_list_id)
        offered = [(callee.pk, " · ".join([callee.number, *(f"{callee_list.text_label(name)}: {value}"
                                                           for name, value in _texts(callee))]))
                   for callee in test_call_callees(campaign)]
        self.fields["callee"].widget.choices = offered or [("", "The list has no callee yet")]
        if offered:  # the first callee's texts unless another is picked: one click calls
            self.fields["callee"].initial = offered[0][0]
        self.helper = panel_helper(reverse("studio:test_call", args=[campaign.pk]), "#test-call",
                                   Submit("call", "Call me first"), Field("callee"), Field("key"), Field("next"))


def _texts(callee):
    return [(name, getattr(callee, name)) for name in rules.TEXT_FIELDS if getattr(callee, name)]
