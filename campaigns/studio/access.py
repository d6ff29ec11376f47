"""Who gets into a studio page: logged-in users with its permission; anyone else is told whom to ask."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render

from . import roles


class StudioMixin(LoginRequiredMixin):
    """A studio page for users holding `permission_required` (by default: either studio role)."""

    permission_required = roles.BUILD

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission_required):
            return no_access(request, self.permission_required)
        return super().dispatch(request, *args, **kwargs)


def no_access(request, permission):
    """A polite 403: what the page needs and whom to ask, instead of a bare "Forbidden"."""
    return render(request, "studio/no_access.html", {
        "role": roles.role_of(request.user), "needs_approver": permission == roles.LAUNCH,
        "editors": roles.EDITORS, "approvers": roles.APPROVERS,
    }, status=403)
