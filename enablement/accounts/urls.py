from django.urls import path

from enablement.accounts import duty_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password-reset-complete"),
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/two-factor/", views.two_factor, name="two-factor"),
    path("account/two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/set-up/qr.svg", views.two_factor_qr, name="two-factor-qr"),
    path("account/two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/two-factor/remove/", views.two_factor_remove, name="two-factor-remove"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("roles/give/", duty_views.role_give, name="role-give"),
    path("role-requests/", duty_views.role_requests, name="role-requests"),
    path("role-requests/<id:pk>/", duty_views.role_request, name="role-request"),
    path("break-glass/", duty_views.break_glass, name="break-glass"),
    path("break-glass/log/", duty_views.break_glass_log, name="break-glass-log"),
    path("users/", views.users, name="users"),
    path("users/locked/", views.locked, name="locked"),
    path("users/locked/unlock/", views.unlock, name="unlock"),
    path("users/<id:pk>/", views.user_detail, name="user"),
    path("users/<id:pk>/switch-off/", views.user_deactivate, name="user-deactivate"),
    path("users/<id:pk>/switch-on/", views.user_reactivate, name="user-reactivate"),
    path(
        "users/<id:pk>/two-factor/remove/",
        views.user_two_factor_remove,
        name="user-two-factor-remove",
    ),
]
