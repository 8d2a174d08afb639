from django.urls import path

from enablement.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("<int:pk>/outcomes/", views.episode_outcomes, name="episode"),
    path("<int:pk>/outcomes/mine/", views.mine, name="mine"),
    path("<int:pk>/outcomes/mine/<slug:code>/", views.mine_record, name="mine-record"),
    path("<int:pk>/outcomes/new/<slug:code>/", views.record, name="record"),
]
