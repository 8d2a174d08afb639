from django.urls import path

from enablement.feedback import views

app_name = "feedback"

urlpatterns = [
    # Public: no account.
    path("tell-us/", views.public_feedback, name="public"),
    path("tell-us/sent/", views.public_done, name="public-done"),
    path("evaluation/thank-you/", views.thanks, name="thanks"),
    path("evaluation/<str:token>/", views.evaluation_link, name="evaluation-link"),
    # The portal.
    path("my-evaluations/", views.mine, name="mine"),
    path("my-evaluations/<int:pk>/", views.mine_complete, name="mine-complete"),
    # Staff.
    path("episodes/<int:pk>/evaluation/", views.paper, name="paper"),
    path("episodes/<int:pk>/incident/", views.incident_on_episode, name="incident-episode"),
    path("referrals/<int:pk>/incident/", views.incident_on_referral, name="incident-referral"),
    path("evaluations/", views.analysis, name="analysis"),
    path("evaluations/export/csv/", views.analysis_csv, name="analysis-csv"),
    path("evaluations/answers/<int:pk>/themes/", views.tag, name="tag"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.feedback_new, name="feedback-new"),
    path("complaints/<int:pk>/", views.feedback_detail, name="feedback"),
    path("complaints/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("complaints/<int:pk>/respond/", views.respond, name="respond"),
    path("incidents/", views.incidents, name="incidents"),
    path("partners/", views.partners, name="partners"),
    path("services/<str:code>/complaints-procedure/", views.procedure, name="procedure"),
]
