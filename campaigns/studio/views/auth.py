"""Logging in and out, changing and resetting a password: Django's views with the studio's templates."""
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.timesince import timesince

from .. import forms


class LoginView(auth_views.LoginView):
    template_name = "studio/auth/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "studio:login"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "studio/auth/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("studio:settings")
    success_message = "Your password is changed."


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "studio/auth/password_reset.html"
    form_class = forms.PasswordResetForm
    email_template_name = "studio/auth/password_reset_email.txt"
    subject_template_name = "studio/auth/password_reset_subject.txt"
    success_url = reverse_lazy("studio:password_reset_sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "studio/auth/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        link_days = timesince(now - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT), now)
        return super().get_context_data(link_days=link_days, **kwargs)


class PasswordResetConfirmView(SuccessMessageMixin, auth_views.PasswordResetConfirmView):
    template_name = "studio/auth/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("studio:login")
    success_message = "Your new password is set: log in with it."

    def form_valid(self, form):
        # Whoever can read the account's mail may log in with the new password at once, even from an
        # address where too many wrong ones paused logging in under that name.
        axes_reset(username=form.user.get_username())
        return super().form_valid(form)
