from django.urls import path

from enablement.governance import views

app_name = "governance"
urlpatterns = [
    path("access-log/", views.access_log, name="access-log"),
    path("access-log/export/csv/", views.access_log_csv, name="access-log-csv"),
]
