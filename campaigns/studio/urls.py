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
    # Lists (every url name starts with "list": the navbar marks the section by it)
    path("lists/", views.ListIndexView.as_view(), name="lists"),
    path("lists/new/", views.ListCreateView.as_view(), name="list_new"),
    path("lists/<int:pk>/", views.ListDetailView.as_view(), name="list"),
    path("lists/<int:pk>/export.csv", views.ListExportView.as_view(), name="list_export"),
    path("lists/<int:pk>/callees/new/", views.CalleeCreateView.as_view(), name="list_callee_new"),
    path("lists/<int:pk>/callees/<int:callee_id>/", views.CalleeUpdateView.as_view(), name="list_callee"),
    path("lists/<int:pk>/import/", views.ImportUploadView.as_view(), name="list_import"),
    path("lists/<int:pk>/imports/<int:job_id>/", views.ImportPreviewView.as_view(), name="list_import_preview"),
    path("lists/<int:pk>/imports/<int:job_id>/progress/", views.ImportProgressView.as_view(),
         name="list_import_progress"),
    path("lists/<int:pk>/imports/<int:job_id>/not-imported.csv", views.ImportRejectedView.as_view(),
         name="list_import_rejected"),
    # Approval and the test call (views/approval.py): panels of the review and campaign pages.
    path("campaigns/<int:pk>/approval/ask/", views.ApprovalAskView.as_view(), name="approval_ask"),
    path("campaigns/<int:pk>/approval/withdraw/", views.ApprovalWithdrawView.as_view(), name="approval_withdraw"),
    path("campaigns/<int:pk>/approval/approve/", views.ApprovalApproveView.as_view(), name="approval_approve"),
    path("campaigns/<int:pk>/approval/send-back/", views.ApprovalSendBackView.as_view(), name="approval_send_back"),
    path("campaigns/<int:pk>/test-call/", views.TestCallView.as_view(), name="test_call"),
    # The campaign builder
    path("campaigns/new/", views.CampaignNewView.as_view(), name="campaign_new"),
    path("campaigns/new/audience-counts/", views.audience_counts, name="campaign_audience_counts"),
    path("campaigns/<int:pk>/edit/<slug:step>/", views.CampaignStepView.as_view(), name="campaign_step"),
    path("campaigns/<int:pk>/edit/sms/preview/", views.sms_preview, name="campaign_sms_preview"),
    path("campaigns/<int:pk>/launch/", views.CampaignLaunchView.as_view(), name="campaign_launch"),
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
