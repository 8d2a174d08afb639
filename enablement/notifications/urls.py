from django.urls import path

from enablement.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("emails-to-check/", views.emails_to_check_page, name="emails-to-check"),
    path("emails-to-check/<id:pk>/", views.email_check, name="email-check"),
]
