from django.views.generic import TemplateView

from .. import roles
from ..access import StudioMixin


class HomeView(StudioMixin, TemplateView):
    template_name = "studio/home.html"

    def get_context_data(self, **kwargs):
        role = roles.role_of(self.request.user)
        context = {"role": role}
        if role is roles.EDITOR:
            context["launchers"], context["more_launchers"] = roles.launchers()
        return super().get_context_data(**context, **kwargs)
