"""Pages of the e-mail side of the portal: invitation links, preferences, unsubscribe."""

from django.urls import path

from .views import invitations, notifications

urlpatterns = [
    path("invitation/<str:token>/", invitations.accept, name="invitation_accept"),
    path("notifications/", notifications.preferences, name="notification_preferences"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe,
        name="notifications_unsubscribe",
    ),
]
