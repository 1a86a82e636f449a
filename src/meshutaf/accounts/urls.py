from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import security_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", two_factor_views.LoginView.as_view(), name="login"),
    path("login/code/", two_factor_views.login_verify, name="login_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done")),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:settings"),
        ),
        name="password_change",
    ),
    path("settings/", views.account_settings, name="settings"),
    path("settings/tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("language/", views.language_set, name="language"),
    path("two-factor/", two_factor_views.two_factor, name="two_factor"),
    path("two-factor/cancel/", two_factor_views.two_factor_cancel, name="two_factor_cancel"),
    path("sessions/", security_views.sessions, name="sessions"),
    path("sessions/<id:pk>/sign-out/", security_views.session_sign_out, name="session_sign_out"),
    path(
        "sessions/sign-out-everywhere/",
        security_views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
    path("security-log/", security_views.security_log, name="security_log"),
    path("security-log/export/", security_views.security_log_export, name="security_log_export"),
]
