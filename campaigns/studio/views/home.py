from django.views.generic import TemplateView

from campaigns.selectors.overview import drafts_section, finished_section, recent_imports, running_section

from .. import roles
from ..access import StudioMixin


class HomeView(StudioMixin, TemplateView):
    """What needs me: drafts and what they still miss, what is calling now, what finished, recent imports."""

    template_name = "studio/home.html"

    def get_context_data(self, **kwargs):
        role = roles.role_of(self.request.user)
        context = {"role": role, "drafts": drafts_section(), "running": running_section(),
                   "finished": finished_section(), "imports": recent_imports()}
        if role is roles.EDITOR:
            context["launchers"], context["more_launchers"] = roles.launchers()
        return super().get_context_data(**context, **kwargs)
