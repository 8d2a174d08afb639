from django.urls import include, path

from enablement.casework import views

app_name = "casework"

urlpatterns = [
    path("<int:pk>/", views.episode, name="episode"),
    path("", include("enablement.casework.daily_urls")),
]
