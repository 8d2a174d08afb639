from django.urls import path

from enablement.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.new, name="new"),
    path("possible-duplicates/", views.duplicates, name="duplicates"),
    path("possible-duplicates/<int:pk>/", views.duplicate_decide, name="duplicate-decide"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/carers/new/", views.carer_new, name="carer-new"),
]
