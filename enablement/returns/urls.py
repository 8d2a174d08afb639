from django.urls import path

from enablement.returns import views

app_name = "returns"

urlpatterns = [
    path("short-term-support/", views.short_term_support, name="short-term-support"),
    path("short-term-support/csv/", views.export_csv, name="short-term-support-csv"),
    path("short-term-support/xlsx/", views.export_xlsx, name="short-term-support-xlsx"),
]
