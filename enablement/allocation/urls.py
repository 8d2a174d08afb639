from django.urls import path

from enablement.allocation import views

app_name = "allocation"
urlpatterns = [
    path("", views.waiting_list, name="waiting"),
    path("referrals/<id:pk>/", views.allocate, name="allocate"),
    path("referrals/<id:pk>/skills-needed/", views.skills_needed, name="skills-needed"),
    path("teams/<id:pk>/allocate-all/", views.allocate_all, name="allocate-all"),
    path("caseloads/", views.caseloads, name="caseloads"),
    path("forecast/", views.forecast, name="forecast"),
]
