from .auth import (LoginView, LogoutView, PasswordChangeView, PasswordResetConfirmView, PasswordResetSentView,
                   PasswordResetView)
from .campaigns import (CalleesExportView, CampaignCallAgainView, CampaignCancelView, CampaignDetailView,
                        CampaignListView, CampaignLiveView, ResultsExportView, RunningView)
from .home import HomeView
from .settings import SettingsView, TimeZoneView, zone_clock

__all__ = ["CalleesExportView", "CampaignCallAgainView", "CampaignCancelView", "CampaignDetailView",
           "CampaignListView", "CampaignLiveView", "ResultsExportView", "RunningView",
           "HomeView", "LoginView", "LogoutView", "PasswordChangeView", "PasswordResetConfirmView",
           "PasswordResetSentView", "PasswordResetView", "SettingsView", "TimeZoneView", "zone_clock"]
