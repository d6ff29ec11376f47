from django.urls import path

from . import views

app_name = "studio"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetSentView.as_view(), name="password_reset_sent"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("settings/time-zone/", views.TimeZoneView.as_view(), name="time_zone"),
    path("settings/time-zone/clock/", views.zone_clock, name="zone_clock"),
    # The campaign builder
    path("campaigns/new/", views.CampaignNewView.as_view(), name="campaign_new"),
    path("campaigns/new/audience-counts/", views.audience_counts, name="campaign_audience_counts"),
    path("campaigns/<int:pk>/edit/<slug:step>/", views.CampaignStepView.as_view(), name="campaign_step"),
    path("campaigns/<int:pk>/edit/sms/preview/", views.sms_preview, name="campaign_sms_preview"),
    path("campaigns/<int:pk>/launch/", views.CampaignLaunchView.as_view(), name="campaign_launch"),
]
