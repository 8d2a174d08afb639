from django.urls import path

from enablement.referrals import tracker, views

app_name = "referrals"
urlpatterns = [
    path("", tracker.tracker_page, name="list"),
    path("export/csv/", tracker.export_csv, name="export-csv"),
    path("export/xlsx/", tracker.export_xlsx, name="export-xlsx"),
    path("new/", views.referral_new, name="new"),
    path("drafts/", views.draft_list, name="drafts"),
    path("drafts/<id:pk>/", views.draft_tasks, name="draft"),
    path("drafts/<id:pk>/check/", views.draft_check, name="draft-check"),
    path("drafts/<id:pk>/delete/", views.draft_delete, name="draft-delete"),
    path("drafts/<id:pk>/<slug:section>/", views.draft_section, name="draft-section"),
    path("<id:pk>/", views.referral_detail, name="detail"),
    path("<id:pk>/match/", views.match_person, name="match"),
    path("<id:pk>/return/", views.return_referral, name="return"),
    path("<id:pk>/validate/", views.validate_referral, name="validate"),
    path("<id:pk>/undo-validation/", views.undo_validation, name="undo-validation"),
    path("<id:pk>/case-system/", views.confirm_case_system, name="case-system"),
    path("<id:pk>/resubmit/", views.resubmit_referral, name="resubmit"),
    path("<id:pk>/screen/", views.screen_referral, name="screen"),
    path("<id:pk>/hold/", views.hold_referral, name="hold"),
    path("<id:pk>/answer/", views.answer_hold, name="answer"),
    path("<id:pk>/route/", views.route_referral, name="route"),
    path("<id:pk>/assess/", views.assess_referral, name="assess"),
    path("<id:pk>/withdraw/", views.withdraw_referral, name="withdraw"),
]
