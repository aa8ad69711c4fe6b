from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
