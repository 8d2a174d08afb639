from django.urls import path

from enablement.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard.pdf", views.dashboard_pdf, name="pdf"),
    path("tables/<slug:key>.<str:fmt>", views.table_export, name="table"),
]
