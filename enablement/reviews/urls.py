from django.urls import path

from enablement.reviews import views

app_name = "reviews"

urlpatterns = [
    path("extensions/", views.extension_queue, name="extension_queue"),
    path("<int:pk>/reviews/new/", views.add, name="add"),
    path("<int:pk>/reviews/<int:review_id>/", views.record, name="record"),
    path("<int:pk>/extensions/new/", views.extension_new, name="extension_new"),
    path("<int:pk>/extensions/<int:extension_id>/", views.extension, name="extension"),
]
