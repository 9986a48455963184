from django.urls import path

from policycenter import views

urlpatterns = [
    path("", views.index, name="policy-index"),
    path("current/", views.current, name="policy-current"),
    path("versions/", views.versions, name="policy-versions"),
    path("versions/<str:version>/", views.version, name="policy-version"),
    path("strikes/", views.strikes, name="policy-strikes"),
    path("appeals/", views.appeals, name="policy-appeals"),
    path("documentation/", views.documentation, name="policy-documentation"),
]
