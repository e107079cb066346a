from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin's login goes through allauth, so its rate limits and verification apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "InnoHealth Matchmaking"
admin.site.site_title = "InnoHealth Matchmaking"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("matchmaking.urls")),
]

handler500 = "matchmaking.views.errors.server_error"
