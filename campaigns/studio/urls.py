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
    # Campaigns (their pages; the builder adds its own)
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/running/", views.RunningView.as_view(), name="campaigns_running"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign"),
    path("campaigns/<int:pk>/live/", views.CampaignLiveView.as_view(), name="campaign_live"),
    path("campaigns/<int:pk>/cancel/", views.CampaignCancelView.as_view(), name="campaign_cancel"),
    path("campaigns/<int:pk>/call-again/", views.CampaignCallAgainView.as_view(), name="campaign_call_again"),
    path("campaigns/<int:pk>/results.csv", views.ResultsExportView.as_view(), name="campaign_results_csv"),
    path("campaigns/<int:pk>/callees.csv", views.CalleesExportView.as_view(), name="campaign_callees_csv"),
]
