"""A stand-in for the review page in browser tests: the real studio, plus a page that includes the approval,
test-call and activity panels as the review and campaign pages do (the coordinator wires them there)."""
from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import include, path

from campaigns.models import Campaign
from campaigns.studio.access import StudioMixin
from django.views.generic import View

HOST = engines["django"].from_string(
    '{% extends "studio/base.html" %}{% load studio_campaigns %}{% block title %}Review{% endblock %}'
    '{% block content %}<h1 class="h3 mb-3">{{ campaign.task_name }}</h1><div class="row"><div class="col-lg-7">'
    '{% approval_panel campaign %}{% test_call_panel campaign %}</div><div class="col-lg-5">'
    '{% activity_log campaign %}</div></div>{% endblock %}')


class HostView(StudioMixin, View):
    def get(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        return TemplateResponse(request, HOST, {"campaign": campaign})


urlpatterns = [
    path("campaigns/<int:pk>/edit/review/", HostView.as_view()),
    path("", include("laaffic_site.urls")),
]
