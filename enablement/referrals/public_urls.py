from django.urls import path

from enablement.referrals import public

urlpatterns = [
    path("", public.self_referral, name="self-referral"),
    path("done/", public.self_referral_done, name="self-referral-done"),
]
