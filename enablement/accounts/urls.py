from django.urls import path

from enablement.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
