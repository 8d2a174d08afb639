from django.urls import path

from enablement.closures import views

app_name = "closures"

urlpatterns = [
    path("closures/", views.to_agree, name="to-agree"),
    path("<int:pk>/closure/", views.propose, name="propose"),
    path("<int:pk>/closure/decide/", views.decide, name="decide"),
    path("<int:pk>/closure/disputes/new/", views.dispute, name="dispute"),
    path("<int:pk>/closure/disputes/<int:dispute_pk>/answer/", views.answer, name="answer-dispute"),
    path(
        "<int:pk>/closure/disputes/<int:dispute_pk>/escalate/",
        views.escalate,
        name="escalate-dispute",
    ),
]
