from django.urls import path

from .views import health, home

urlpatterns = [
    path("", home.home, name="home"),
    path("dashboard/", home.dashboard, name="dashboard"),
    path("tandem/", home.tandem_dashboard, name="tandem_dashboard"),
    path("partner/", home.partner_dashboard, name="partner_dashboard"),
    path("healthz", health.healthz, name="healthz"),
]
