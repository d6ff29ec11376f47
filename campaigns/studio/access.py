"""Who gets into a studio page: logged-in users with its permission; anyone else is told whom to ask."""
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render, resolve_url
from django_htmx.http import HttpResponseClientRedirect

from . import roles


class StudioMixin(LoginRequiredMixin):
    """A studio page for users holding `permission_required` (by default: either studio role)."""

    permission_required = roles.BUILD

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return to_login(request)
        if not request.user.has_perm(self.permission_required):
            return no_access(request, self.permission_required)
        return super().dispatch(request, *args, **kwargs)


def to_login(request):
    """To the login page and back; a live part of a page (htmx) whose session ended sends the whole page
    there, rather than drawing the login form inside its box."""
    if getattr(request, "htmx", False):
        back = request.htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}")
    return redirect_to_login(request.get_full_path())


def no_access(request, permission):
    """A polite 403: what the page needs and whom to ask, instead of a bare "Forbidden"."""
    return render(request, "studio/no_access.html", {
        "role": roles.role_of(request.user), "needs_approver": permission == roles.LAUNCH,
        "editors": roles.EDITORS, "approvers": roles.APPROVERS,
    }, status=403)


def studio_view(permission=roles.BUILD):
    """StudioMixin for a function view (an htmx partial): log in first, then the polite page without it."""
    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return to_login(request)
            if not request.user.has_perm(permission):
                return no_access(request, permission)
            return view(request, *args, **kwargs)
        return checked
    return decorate
