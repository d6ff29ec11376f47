from .approval import (ApprovalApproveView, ApprovalAskView, ApprovalSendBackView, ApprovalWithdrawView,
                       TestCallView)
from .auth import (LoginView, LogoutView, PasswordChangeView, PasswordResetConfirmView, PasswordResetSentView,
                   PasswordResetView)
from .builder import CampaignLaunchView, CampaignNewView, CampaignStepView, audience_counts, sms_preview
from .home import HomeView
from .lists import (CalleeCreateView, CalleeUpdateView, ImportPreviewView, ImportProgressView, ImportRejectedView,
                    ImportUploadView, ListCreateView, ListDetailView, ListExportView, ListIndexView)
from .settings import SettingsView, TimeZoneView, zone_clock

__all__ = [
    "ApprovalApproveView", "ApprovalAskView", "ApprovalSendBackView", "ApprovalWithdrawView", "TestCallView",
    "LoginView", "LogoutView", "PasswordChangeView", "PasswordResetConfirmView", "PasswordResetSentView",
    "PasswordResetView",
    "CampaignLaunchView", "CampaignNewView", "CampaignStepView", "audience_counts", "sms_preview",
    "HomeView",
    "CalleeCreateView", "CalleeUpdateView", "ImportPreviewView", "ImportProgressView", "ImportRejectedView",
    "ImportUploadView", "ListCreateView", "ListDetailView", "ListExportView", "ListIndexView",
    "SettingsView", "TimeZoneView", "zone_clock",
]
