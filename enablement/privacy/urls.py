from django.urls import path

from enablement.privacy import views

app_name = "privacy"
urlpatterns = [
    path("<id:pk>/subject-access/", views.subject_access, name="subject-access"),
    path("<id:pk>/subject-access/json/", views.export_json, name="export-json"),
    path("<id:pk>/subject-access/pdf/", views.export_pdf, name="export-pdf"),
    path("<id:pk>/legal-hold/", views.legal_hold, name="legal-hold"),
    path("<id:pk>/legal-hold/<id:hold_pk>/lift/", views.lift, name="legal-hold-lift"),
]
