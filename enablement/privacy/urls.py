from django.urls import path

from enablement.privacy import views

app_name = "privacy"
urlpatterns = [
    path("<int:pk>/subject-access/", views.subject_access, name="subject-access"),
    path("<int:pk>/subject-access/json/", views.export_json, name="export-json"),
    path("<int:pk>/subject-access/pdf/", views.export_pdf, name="export-pdf"),
    path("<int:pk>/legal-hold/", views.legal_hold, name="legal-hold"),
    path("<int:pk>/legal-hold/<int:hold_pk>/lift/", views.lift, name="legal-hold-lift"),
]
