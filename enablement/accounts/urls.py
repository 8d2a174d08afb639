from django.urls import path

from enablement.accounts import duty_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("roles/give/", duty_views.role_give, name="role-give"),
    path("role-requests/", duty_views.role_requests, name="role-requests"),
    path("role-requests/<int:pk>/", duty_views.role_request, name="role-request"),
    path("break-glass/", duty_views.break_glass, name="break-glass"),
    path("break-glass/log/", duty_views.break_glass_log, name="break-glass-log"),
]
