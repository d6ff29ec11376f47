from .approval import (ApprovalApproveView, ApprovalAskView, ApprovalSendBackView, ApprovalWithdrawView,
                       TestCallView)
from .auth import (LoginView, LogoutView, PasswordChangeView, PasswordResetConfirmView, PasswordResetSentView,
                   PasswordResetView)
from .builder import CampaignLaunchView, CampaignNewView, CampaignStepView, audience_counts, sms_preview
from .campaigns import (CalleesExportView, CampaignCallAgainView, CampaignCancelView, CampaignDetailView,
                        CampaignListView, CampaignLiveView, ResultsExportView, RunningView)
from .home import HomeView
from .lists import (CalleeCreateView, CalleeUpdateView, ImportPreviewView, ImportProgressView, ImportRejectedView,
                    ImportUploadView, ListCreateView, ListDetailView, ListExportView, ListIndexView)
from .settings import SettingsView, TimeZoneView, zone_clock

__all__ = [
    "ApprovalApproveView", "ApprovalAskView", "ApprovalSendBackView", "ApprovalWithdrawView", "TestCallView",
    "LoginView", "LogoutView", "PasswordChangeView", "PasswordResetConfirmView", "PasswordResetSentView",
    "PasswordResetView",
    "CampaignLaunchView", "CampaignNewView", "CampaignStepView", "audience_counts", "sms_preview",
    "CalleesExportView", "CampaignCallAgainView", "CampaignCancelView", "CampaignDetailView", "CampaignListView",
    "CampaignLiveView", "ResultsExportView", "RunningView",
    "HomeView",
    "CalleeCreateView", "CalleeUpdateView", "ImportPreviewView", "ImportProgressView", "ImportRejectedView",
    "ImportUploadView", "ListCreateView", "ListDetailView", "ListExportView", "ListIndexView",
    "SettingsView", "TimeZoneView", "zone_clock",
]
