from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from campaigns.views import voice_report

from .health import healthz

admin.site.site_header = "Laaffic voice campaigns"
admin.site.site_title = "Laaffic voice campaigns"
admin.site.index_title = "Campaigns"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("laaffic/voice-report/<str:token>/", voice_report, name="laaffic_voice_report"),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
