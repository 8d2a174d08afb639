from django.urls import path

from enablement.home import views

app_name = "home"
urlpatterns = [
    path("caseload/", views.worker, name="worker"),
    path("validation/", views.admin, name="admin"),
    path("screening/", views.senior, name="senior"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("my-referrals/", views.referrer, name="referrer"),
    path("my-record/", views.portal, name="portal"),
    path("administration/", views.sysadmin, name="sysadmin"),
]
