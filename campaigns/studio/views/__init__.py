from .approval import (ApprovalApproveView, ApprovalAskView, ApprovalSendBackView, ApprovalWithdrawView,
                       TestCallView)
from .auth import (LoginView, LogoutView, PasswordChangeView, PasswordResetConfirmView, PasswordResetSentView,
                   PasswordResetView)
from .home import HomeView
from .settings import SettingsView, TimeZoneView, zone_clock

__all__ = ["ApprovalApproveView", "ApprovalAskView", "ApprovalSendBackView", "ApprovalWithdrawView", "TestCallView",
           "HomeView", "LoginView", "LogoutView", "PasswordChangeView", "PasswordResetConfirmView",
           "PasswordResetSentView", "PasswordResetView", "SettingsView", "TimeZoneView", "zone_clock"]

# Lists
from .lists import (CalleeCreateView, CalleeUpdateView, ImportPreviewView, ImportProgressView,  # noqa: E402
                    ImportRejectedView, ImportUploadView, ListCreateView, ListDetailView, ListExportView,
                    ListIndexView)

__all__ += ["CalleeCreateView", "CalleeUpdateView", "ImportPreviewView", "ImportProgressView", "ImportRejectedView",
            "ImportUploadView", "ListCreateView", "ListDetailView", "ListExportView", "ListIndexView"]
