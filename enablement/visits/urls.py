from django.urls import path

from enablement.visits import views

app_name = "visits"

urlpatterns = [
    path("<int:pk>/visits/", views.visits, name="visits"),
    path("<int:pk>/visits/record/", views.record_new, name="record-new"),
    path("<int:pk>/visits/<int:visit_id>/record/", views.record, name="record"),
    path("<int:pk>/notes/", views.notes, name="notes"),
    path("<int:pk>/notes/<int:note_id>/correct/", views.note_correct, name="note-correct"),
    path("<int:pk>/notes/<int:note_id>/check/", views.note_check, name="note-check"),
    path("<int:pk>/missed-visits/discuss/", views.discuss, name="discuss"),
    path("notes/sample/", views.sample, name="sample"),
]
