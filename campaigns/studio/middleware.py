from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from campaigns.models import StaffProfile


class UserTimeZoneMiddleware:
    """Shows and reads times in the user's own zone (their studio settings), else in the site's (TIME_ZONE).

    `request.user_time_zone` is the zone they chose, "" when they have not: the studio then offers the
    browser's zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = ""
        if request.user.is_authenticated:
            zone = StaffProfile.objects.filter(user=request.user).values_list("time_zone", flat=True).first() or ""
        request.user_time_zone = zone
        if zone:
            try:
                timezone.activate(ZoneInfo(zone))
            except (ZoneInfoNotFoundError, ValueError):  # a zone the system's tz database has dropped since
                request.user_time_zone = ""
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
