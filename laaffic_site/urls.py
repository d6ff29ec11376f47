from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path, re_path
from django.views.static import serve

from campaigns.views import voice_report

from .health import healthz

admin.site.site_header = "Laaffic voice campaigns"
admin.site.site_title = "Laaffic voice campaigns"
admin.site.index_title = "Campaigns"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("laaffic/voice-report/<str:token>/", voice_report, name="laaffic_voice_report"),
    # The studio, for marketing staff; last, so that its readable paths never shadow the ones above.
    path("", include("campaigns.studio.urls")),
]
if settings.DEBUG:
    # Uploaded lists hold phone numbers: in development they are served to staff only
    # (the admin links voice files); in production nothing in MEDIA_ROOT is served.
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$", staff_member_required(serve),
                               {"document_root": settings.MEDIA_ROOT}))
