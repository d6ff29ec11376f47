"""A staff member's own settings: their time zone and their phone number for test calls."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import UpdateView

from campaigns import time_zones
from campaigns.models import StaffProfile

from ..forms import StaffSettingsForm, TimeZoneForm


def own_profile(user):
    """The user's settings; a new, unsaved one until they first save (the defaults need no row)."""
    return StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)


class SettingsView(LoginRequiredMixin, UpdateView):
    template_name = "studio/settings.html"
    form_class = StaffSettingsForm
    success_url = reverse_lazy("studio:settings")

    def get_object(self, queryset=None):
        return own_profile(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(now=timezone.now(), **kwargs)
        if context["form"].is_bound:  # the clock follows the zone picked, saved or not
            context["clock_zone"] = clock_zone(context["form"]["time_zone"].value())
        return context

    def form_valid(self, form):
        messages.success(self.request, "Your settings are saved.")
        return super().form_valid(form)


class TimeZoneView(LoginRequiredMixin, View):
    """Takes the zone offered from the browser (or keeps the site's), then goes back to the page it was on."""

    def post(self, request):
        form = TimeZoneForm(request.POST, instance=own_profile(request.user))
        if form.is_valid():
            zone = form.save().time_zone or settings.TIME_ZONE
            messages.success(request, f"Times are shown in {zone} time; you can change that in Settings.")
        else:
            messages.error(request, f"Time zone: {' '.join(form.errors['time_zone'])}")
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("studio:home")
        return HttpResponseRedirect(back)


@require_GET
@login_required
def zone_clock(request):
    """The time now in the zone picked on the settings page (an htmx partial of that page)."""
    zone = request.GET.get("time_zone", "")
    problem = zone and time_zones.problem(zone)
    if problem:
        return render(request, "studio/partials/zone_clock.html", {"problem": problem}, status=400)
    return render(request, "studio/partials/zone_clock.html", {"now": timezone.now(), "clock_zone": clock_zone(zone)})


def clock_zone(picked):
    """The zone a choice on the settings form stands for: the site's when none, nothing when not a zone."""
    if not picked:
        return settings.TIME_ZONE
    return "" if time_zones.problem(picked) else picked
