from django.urls import path

from enablement.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.new, name="new"),
    path("possible-duplicates/", views.duplicates, name="duplicates"),
    path("possible-duplicates/<id:pk>/", views.duplicate_decide, name="duplicate-decide"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/carers/new/", views.carer_new, name="carer-new"),
]
