from .auth import (LoginView, LogoutView, PasswordChangeView, PasswordResetConfirmView, PasswordResetSentView,
                   PasswordResetView)
from .builder import CampaignLaunchView, CampaignNewView, CampaignStepView, audience_counts, sms_preview
from .home import HomeView
from .settings import SettingsView, TimeZoneView, zone_clock

__all__ = ["CampaignLaunchView", "CampaignNewView", "CampaignStepView", "audience_counts", "sms_preview",
           "HomeView", "LoginView", "LogoutView", "PasswordChangeView", "PasswordResetConfirmView",
           "PasswordResetSentView", "PasswordResetView", "SettingsView", "TimeZoneView", "zone_clock"]
