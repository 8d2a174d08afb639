from django.urls import path

from enablement.casework import daily

urlpatterns = [
    path("mine/", daily.caseload, name="caseload"),
    path("team/", daily.team, name="team"),
]
