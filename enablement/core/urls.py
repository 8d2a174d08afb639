from django.urls import path

from enablement.core import export_views

app_name = "core"

urlpatterns = [
    path("<uuid:pk>/", export_views.job, name="export-job"),
    path("<uuid:pk>/download/", export_views.download, name="export-download"),
]
