from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path

from matchmaking.views.account import password_reset_from_key

# The admin's login goes through allauth, so its rate limits and verification apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "InnoHealth Matchmaking"
admin.site.site_title = "InnoHealth Matchmaking"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before allauth's own: the same address, answered in the language of the e-mail it is in.
    re_path(
        r"^accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("matchmaking.urls")),
]

handler500 = "matchmaking.views.errors.server_error"
