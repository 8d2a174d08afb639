from django.urls import path

from enablement.referrals import tracker, views

app_name = "referrals"
urlpatterns = [
    path("", tracker.tracker_page, name="list"),
    path("export/csv/", tracker.export_csv, name="export-csv"),
    path("export/xlsx/", tracker.export_xlsx, name="export-xlsx"),
    path("new/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/match/", views.match_person, name="match"),
    path("<int:pk>/return/", views.return_referral, name="return"),
    path("<int:pk>/validate/", views.validate_referral, name="validate"),
    path("<int:pk>/resubmit/", views.resubmit_referral, name="resubmit"),
    path("<int:pk>/screen/", views.screen_referral, name="screen"),
    path("<int:pk>/hold/", views.hold_referral, name="hold"),
    path("<int:pk>/answer/", views.answer_hold, name="answer"),
    path("<int:pk>/route/", views.route_referral, name="route"),
    path("<int:pk>/assess/", views.assess_referral, name="assess"),
]
