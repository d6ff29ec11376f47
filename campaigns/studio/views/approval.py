"""Approval and the test call: small POST views around one service each. Each answers an htmx request with
its panel (the partial the review and campaign pages include) and a plain form post with a redirect back."""
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from campaigns.models import Campaign
from campaigns.selectors.approval import approval_panel
from campaigns.selectors.test_calls import latest_test_call
from campaigns.services import test_calls
from campaigns.services.approval import (ApprovalRefused, approval_approve_and_launch, approval_request,
                                         approval_send_back, approval_withdraw)
from campaigns.services.tracking import campaign_refresh

from .. import roles
from ..access import StudioMixin
from ..approval_forms import SendBackForm, TestCallForm

APPROVAL_PANEL = "studio/campaigns/partials/approval_panel.html"
TEST_CALL_PANEL = "studio/campaigns/partials/test_call.html"


def studio_campaign(pk) -> Campaign:
    """A campaign of the studio (not a test call), with what its panels read."""
    return get_object_or_404(Campaign.objects.select_related("callee_list", "approval_requested_by"),
                             pk=pk, test_of__isnull=True)


def back_to(request) -> str:
    """Where a plain form post returns: the page it came from (`next`), if it is this site's."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return back
    return reverse("studio:home")


def errors_in_words(form) -> str:
    """A form's errors as one message naming each field, for a page the form is not on."""
    return " ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())


def approval_context(request, campaign, *, send_back_form=None, notice=None, back=None) -> dict:
    """What approval_panel.html reads; the pages that include it use this too (templatetags)."""
    panel = approval_panel(campaign, request.user)
    back = back or request.get_full_path()
    return {"campaign": campaign, "panel": panel, "notice": notice, "back": back,
            "send_back_form": send_back_form or (SendBackForm(campaign=campaign, initial={"next": back})
                                                 if panel.can_decide else None)}


def test_call_context(request, campaign, *, form=None, notice=None, back=None) -> dict:
    """What test_call.html reads."""
    back = back or request.get_full_path()
    launchable = campaign.status in (Campaign.Status.DRAFT, Campaign.Status.FAILED)
    profile = getattr(request.user, "staff_profile", None)
    return {"campaign": campaign, "status": latest_test_call(campaign), "notice": notice, "back": back,
            "phone": profile.phone_number if profile else "",
            "form": form or (TestCallForm(campaign=campaign, initial={"next": back}) if launchable else None)}


class InvalidForm(Exception):
    """A form of the panel with errors: shown again, on its fields."""

    def __init__(self, form):
        super().__init__("invalid form")
        self.form = form


class ApprovalActionView(StudioMixin, View):
    """POST only: take one approval step, then show the panel again (htmx) or go back to the page."""

    http_method_names = ["post"]

    def act(self, request, campaign) -> str:
        raise NotImplementedError

    def done_url(self, request, campaign) -> str:
        """Where the browser goes once the step is taken: back to the page it came from."""
        return back_to(request)

    def post(self, request, pk):
        campaign = studio_campaign(pk)
        form = None
        try:
            done = self.act(request, campaign)
        except ApprovalRefused as refused:
            text = refused.message
        except InvalidForm as invalid:
            form = invalid.form
            text = errors_in_words(form)
        else:
            # The whole page changes with the state (the lock, the launch): it is shown again, saying what happened.
            messages.success(request, done)
            return (HttpResponseClientRedirect if request.htmx else HttpResponseRedirect)(
                self.done_url(request, campaign))
        if request.htmx:  # refused: said in the panel, the form keeping what was typed
            campaign.refresh_from_db()
            return TemplateResponse(request, APPROVAL_PANEL, approval_context(
                request, campaign, send_back_form=form, notice=None if form else {"level": "danger", "text": text},
                back=back_to(request)))
        messages.error(request, text)
        return HttpResponseRedirect(back_to(request))


class ApprovalAskView(ApprovalActionView):
    def act(self, request, campaign):
        approval_request(campaign, request.user)
        return f"{campaign} is waiting for approval; approvers see it on their Home page."


class ApprovalWithdrawView(ApprovalActionView):
    def act(self, request, campaign):
        approval_withdraw(campaign, request.user)
        return f"The request is withdrawn: {campaign} can be changed again."


class ApprovalApproveView(ApprovalActionView):
    permission_required = roles.LAUNCH

    def act(self, request, campaign):
        result = approval_approve_and_launch(campaign, request.user)
        if not result.queued:
            raise ApprovalRefused(result.message)
        return f"Approved and launched: {result.message}"

    def done_url(self, request, campaign):
        # Launched, its review no longer applies (it would only say so): its page follows the calls.
        return reverse("studio:campaign", args=[campaign.pk])


class ApprovalSendBackView(ApprovalActionView):
    permission_required = roles.LAUNCH

    def act(self, request, campaign):
        form = SendBackForm(request.POST, campaign=campaign)
        if not form.is_valid():
            raise InvalidForm(form)
        approval_send_back(campaign, request.user, form.cleaned_data["comment"])
        return f"{campaign} is sent back with your comment."


class TestCallView(StudioMixin, View):
    """GET: the test call panel (polled while the call is under way); POST: Call me first."""

    http_method_names = ["get", "post"]

    def get(self, request, pk):
        campaign = studio_campaign(pk)
        status = latest_test_call(campaign)
        if status is not None and status.running:
            campaign_refresh(status.test)  # learns the task's id and progress; links a call already pushed
        return TemplateResponse(request, TEST_CALL_PANEL, test_call_context(request, campaign, back=back_to(request)))

    def post(self, request, pk):
        campaign = studio_campaign(pk)
        form = TestCallForm(request.POST, campaign=campaign)
        notice = None
        if form.is_valid():
            try:
                test, sent = test_calls.test_call_send(campaign, request.user, form.cleaned_data["callee"],
                                                       form.cleaned_data["key"])
            except test_calls.TestCallRefused as refused:
                notice = {"level": "danger", "text": refused.message}
            else:
                notice = {"level": "success", "text": f"Calling you now as {test}." if sent
                          else f"Already sent as {test}: one click, one call."}
                form = None
        else:  # the hidden fields' errors show nowhere on the form
            hidden = [error for field in form.hidden_fields() for error in field.errors]
            notice = {"level": "danger", "text": " ".join(hidden)} if hidden else None
        if request.htmx:
            return TemplateResponse(request, TEST_CALL_PANEL,
                                    test_call_context(request, campaign, form=form, notice=notice, back=back_to(request)))
        if form is not None and form.errors:
            notice = {"level": "danger", "text": errors_in_words(form)}
        messages.add_message(request, messages.SUCCESS if notice["level"] == "success" else messages.ERROR,
                             notice["text"])
        return HttpResponseRedirect(back_to(request))
