"""Routes of staff identity, included by hubmod/urls.py: the console's sign-in and sign-out."""

from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path(
        "console/login/",
        auth_views.LoginView.as_view(template_name="staff/login.html", redirect_authenticated_user=True),
        name="console-login",
    ),
    path("console/logout/", auth_views.LogoutView.as_view(), name="console-logout"),
]
