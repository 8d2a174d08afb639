from django.urls import path

from enablement.plans import views

app_name = "plans"

urlpatterns = [
    path("<int:pk>/plan/", views.edit, name="edit"),
    path("<int:pk>/plan/change/", views.revise, name="revise"),
    path("<int:pk>/plan/sign/", views.sign, name="sign"),
    path("<int:pk>/plan/versions/", views.versions, name="versions"),
    path("<int:pk>/plan/compare/", views.compare, name="compare"),
    path("<int:pk>/plan/mine/", views.mine, name="mine"),
    path("<int:pk>/plan/mine/sign/", views.sign_mine, name="sign-mine"),
    path("<int:pk>/plan/<int:version>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/plan/<int:version>/easy-read/", views.easy_read, name="easy-read"),
]
