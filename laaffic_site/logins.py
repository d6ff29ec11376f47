"""How django-axes counts failed logins by address, and what a locked-out person reads."""
import ipaddress

from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def client_ip(request) -> str:
    """The address a login attempt comes from (AXES_CLIENT_IP_CALLABLE).

    Behind LOGIN_PROXY_COUNT proxies that each append the address they were reached from to
    X-Forwarded-For, it is the one the outermost proxy wrote, counted from the right: whatever
    a client puts in the header itself stays to the left of it. Without trusted proxies, or when
    the header is shorter or unreadable, it is the address of the connection.
    """
    count = settings.LOGIN_PROXY_COUNT
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if count > 0 and len(hops) >= count:
        try:
            return str(ipaddress.ip_address(hops[-count].strip()))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response, credentials):
    """The page after too many wrong passwords (AXES_LOCKOUT_CALLABLE), 429 Too Many Requests, in the
    look of the login page tried: the admin's for operators, the studio's for everyone else."""
    context = {
        "title": "Logging in is paused",
        "username": get_client_username(request, credentials),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "admin":
        return render(request, "admin/locked_out.html", {**admin.site.each_context(request), **context}, status=429)
    return render(request, "studio/auth/locked_out.html", context, status=429)
