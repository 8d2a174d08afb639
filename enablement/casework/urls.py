from django.urls import path

from enablement.casework import views

app_name = "casework"

urlpatterns = [
    path("<int:pk>/", views.episode, name="episode"),
]
