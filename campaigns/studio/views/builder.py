"""The campaign builder: a draft made from a task name and a list, then one step a page, each saved as it
is left; the review, and Launch for approvers."""
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET, require_POST

from campaigns import rules
from campaigns.models import CalleeList, Campaign
from campaigns.selectors.campaigns import campaign_review, start_warning, window_notes
from campaigns.selectors.lists import audience_counts as list_audience_counts
from campaigns.services import bodies, drafts
from campaigns.services.campaigns import campaign_edit_refusal, campaign_queue, campaign_refusal

from .. import builder, roles
from ..access import StudioMixin, studio_view
from ..campaign_forms import FORMS, AudienceForm

STASH_VALUE_MAX = 2000  # characters of one value kept for a step left with errors


def campaign_page(campaign) -> str:
    # The campaign's own page (status, progress, results) lives at /campaigns/<id>/.
    return reverse("studio:campaign", args=[campaign.pk])


def step_url(campaign, step) -> str:
    return reverse("studio:campaign_step", args=[campaign.pk, step.slug])


def counts_url() -> str:
    return reverse("studio:campaign_audience_counts")


def form_for(step, campaign, request, data=None, files=None, **kwargs):
    options = {"campaign": campaign, "url": request.path}
    if step is builder.AUDIENCE:
        options["counts_url"] = counts_url()
    if step is builder.SMS:
        options["preview_url"] = reverse("studio:campaign_sms_preview", args=[campaign.pk])
    return FORMS[step.slug](data, files, **options, **kwargs)


def suggested_task_name(callee_list) -> str:
    """The list's name and when, within the task-name limit (the name is shortened, never the date)."""
    when = f" {timezone.localtime():%Y-%m-%d %H:%M}"
    return callee_list.name[:rules.FIELDS["taskName"].max_length - len(when)] + when


def page(request, campaign, step, form, status=200):
    before, after = builder.neighbours(campaign, step) if campaign.pk else (None, builder.MESSAGE)
    context = {"campaign": campaign, "step": step, "form": form, "steps": builder.STEPS, "before": before,
               "after": after, "counts": _counts(form)}
    if step is builder.SCHEDULE:
        context.update(notes=window_notes(campaign), warning=start_warning(campaign))
    return render(request, "studio/campaigns/builder.html", context, status=status)


def _counts(form):
    if not isinstance(form, AudienceForm):
        return None
    picked = form.current("callee_list")
    return list_audience_counts(picked) if picked.isdigit() else None


class CampaignNewView(StudioMixin, View):
    """The audience step of a campaign not yet made: saving it makes the draft."""

    def get(self, request):
        preset = {}
        picked = request.GET.get("list", "")
        callee_list = CalleeList.objects.filter(pk=picked).first() if picked.isdigit() else None
        if callee_list is not None:
            preset = {"callee_list": callee_list.pk, "task_name": suggested_task_name(callee_list)}
        return page(request, Campaign(), builder.AUDIENCE, form_for(builder.AUDIENCE, Campaign(), request, preset=preset))

    def post(self, request):
        form = form_for(builder.AUDIENCE, Campaign(), request, request.POST)
        if "_refresh" in request.POST or not form.is_valid():
            return page(request, Campaign(), builder.AUDIENCE, form)
        try:
            campaign = drafts.campaign_draft_create(user=request.user, **form.values())
        except IntegrityError:  # the name was taken between the check and the save
            form.add_error("task_name", rules.task_name_taken_message(form.cleaned_data["task_name"]))
            return page(request, Campaign(), builder.AUDIENCE, form)
        messages.success(request, f"Draft “{campaign}” is saved; it is kept as you go through the steps.")
        return HttpResponseRedirect(step_url(campaign, builder.MESSAGE))


class CampaignStepView(StudioMixin, View):
    """One step of a draft: Back, Next and the step links save what is valid. Going forward waits until
    the step has no problem left; going back keeps what was typed, problems and all."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.has_perm(self.permission_required):
            return super().dispatch(request, *args, **kwargs)
        self.campaign = get_object_or_404(
            Campaign.objects.select_related("callee_list", "voice_file", "sms_template"), pk=kwargs["pk"])
        self.step = builder.BY_SLUG.get(kwargs["step"])
        if self.step is None:
            raise Http404("No such step.")
        if self.campaign.is_waiting_for_approval and self.step is not builder.REVIEW:
            # Locked while an approver looks at it: the review shows it and its approval panel.
            messages.info(request, campaign_edit_refusal(self.campaign))
            return HttpResponseRedirect(step_url(self.campaign, builder.REVIEW))
        if not self.campaign.is_editable and not self.campaign.is_waiting_for_approval:
            messages.info(request, f"“{self.campaign}” is {self.campaign.get_status_display().lower()}; "
                                   "it can no longer be changed.")
            return HttpResponseRedirect(campaign_page(self.campaign))
        return super().dispatch(request, *args, **kwargs)

    @property
    def stash_key(self):
        return f"builder:{self.campaign.pk}:{self.step.slug}"

    def get(self, request, pk, step):
        if self.step is builder.REVIEW:
            return review_page(request, self.campaign)
        stash = request.session.get(self.stash_key)
        form = form_for(self.step, self.campaign, request, stash)
        if stash is not None or request.GET.get("check"):
            form.show_problems(builder.step_problems(self.campaign, self.step))
        return page(request, self.campaign, self.step, form)

    def post(self, request, pk, step):
        if self.step is builder.REVIEW:
            return HttpResponseRedirect(step_url(self.campaign, builder.REVIEW))
        form = form_for(self.step, self.campaign, request, request.POST, request.FILES)
        if "_refresh" in request.POST:  # a choice changed what the step shows: nothing is judged or saved yet
            form.quiet()
            return page(request, self.campaign, self.step, form)
        form.is_valid()
        if not drafts.campaign_draft_save(self.campaign, form.values(), user=request.user):
            self.campaign.refresh_from_db()
            messages.error(request, f"{campaign_edit_refusal(self.campaign)} Nothing was changed.")
            return HttpResponseRedirect(step_url(self.campaign, builder.REVIEW) if self.campaign.is_waiting_for_approval
                                        else campaign_page(self.campaign))
        form.show_problems(builder.step_problems(self.campaign, self.step))
        target = self._target(request.POST.get("goto", "next"))
        if form.errors and builder.STEPS.index(target) > builder.STEPS.index(self.step):
            return page(request, self.campaign, self.step, form)
        if form.errors:
            request.session[self.stash_key] = {
                name: str(request.POST.get(name, ""))[:STASH_VALUE_MAX] for name in [*form.fields, "_shown"]}
        else:
            request.session.pop(self.stash_key, None)
        return HttpResponseRedirect(step_url(self.campaign, target))

    def _target(self, goto):
        before, after = builder.neighbours(self.campaign, self.step)
        target = {"next": after, "back": before}.get(goto, builder.BY_SLUG.get(goto))
        return target or self.step


def review_page(request, campaign):
    review = campaign_review(campaign)
    by_step = {}
    for problem in review.problems:
        by_step.setdefault(builder.step_of(problem.field), []).append(problem.message)
    context = {
        "campaign": campaign, "review": review, "step": builder.REVIEW, "steps": builder.STEPS,
        "problems": [(step, by_step[step]) for step in builder.STEPS if step in by_step],
        "notes": window_notes(campaign), "warning": start_warning(campaign),
        "user_zone": timezone.get_current_timezone_name(), "provider_zone": bodies.provider_tz().key,
        "before": builder.neighbours(campaign, builder.REVIEW)[0],
        "voice_name": rules.tts_voice_name(campaign.language, campaign.accent),
        # The windows as typed: one split at midnight for Laaffic is shown in one piece (the note says so).
        "windows_there": bodies.joined_windows(campaign.calling_windows or []),
        "windows_here": bodies.typed_windows(campaign.calling_windows or [], campaign.send_time),
    }
    if roles.role_of(request.user) is roles.EDITOR:
        context["launchers"], context["more_launchers"] = roles.launchers()
    return render(request, "studio/campaigns/review.html", context)


class CampaignLaunchView(StudioMixin, View):
    """Launch: the campaign joins the queue once (the claim in campaign_queue); a second click is told so."""

    permission_required = roles.LAUNCH

    def post(self, request, pk):
        campaign = get_object_or_404(Campaign.objects.select_related("callee_list", "voice_file", "sms_template"),
                                     pk=pk)
        result = campaign_queue(campaign, user=request.user)
        if result.queued:
            messages.success(request, f"“{campaign}” is launched: it is on its way to Laaffic.")
            return HttpResponseRedirect(campaign_page(campaign))
        if campaign_refusal(campaign):
            messages.info(request, result.message)
            return HttpResponseRedirect(campaign_page(campaign))
        messages.error(request, f"“{campaign}” was not launched: fix the problems listed below first.")
        return HttpResponseRedirect(step_url(campaign, builder.REVIEW))

    def get(self, request, pk):
        return HttpResponseRedirect(reverse("studio:campaign_step", args=[pk, builder.REVIEW.slug]))


@require_GET
@studio_view()
def audience_counts(request):
    """How many numbers the list picked on the audience step has, and how many are on the do-not-call list."""
    picked = request.GET.get("callee_list", "")
    counts = list_audience_counts(picked) if picked.isdigit() and len(picked) < 19 else None
    return render(request, "studio/campaigns/partials/audience_counts.html", {"counts": counts})


@require_POST
@studio_view()
def sms_preview(request, pk):
    """The hang-up SMS as the callee picked gets it (an htmx partial of the SMS step)."""
    campaign = get_object_or_404(Campaign.objects.select_related("callee_list", "sms_template"), pk=pk)
    form = form_for(builder.SMS, campaign, request, request.POST)
    return render(request, "studio/campaigns/partials/sms_preview.html", {"preview": form.preview()})
