from django.urls import path

from enablement.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("services/", views.service_list, name="services"),
    path("services/new/", views.service_new, name="service-new"),
    path("services/<slug:code>/", views.service_detail, name="service"),
    path(
        "services/<slug:code>/versions/<id:version>/", views.service_detail, name="service-version"
    ),
    path("services/<slug:code>/change/", views.service_change, name="service-change"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_new, name="team-new"),
    path("teams/<id:pk>/", views.team_detail, name="team"),
    path("staff/new/", views.staff_new, name="staff-new"),
    path("staff/<id:pk>/edit/", views.staff_edit, name="staff-edit"),
    path("staff/<id:pk>/leave/new/", views.leave_new, name="leave-new"),
    path("resources/", views.resource_list, name="resources"),
]
