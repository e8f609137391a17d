"""The web pages: the site's own (home, log-in, language) and one namespaced urls.py per app.
Each view is a thin door to the services, scoped on its first line."""

from django.urls import include, path, register_converter
from django.views.i18n import set_language

from doanvien.accounts import views as accounts
from doanvien.core.years import YearConverter

# `<year:year>`: a programme or report year within the accepted bounds, else 404.
register_converter(YearConverter, "year")

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.logout_view, name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("doanvien.units.urls")),
    path("", include("doanvien.accounts.urls")),
    path("", include("doanvien.members.urls")),
    path("", include("doanvien.training.urls")),
    path("", include("doanvien.profiles.urls")),
    path("", include("doanvien.evaluations.urls")),
    path("", include("doanvien.member_accounts.urls")),
    path("", include("doanvien.dues.urls")),
    path("", include("doanvien.reports.urls")),
    path("", include("doanvien.jobs.urls")),
    path("", include("doanvien.notifications.urls")),
    path("", include("doanvien.meetings.urls")),
    path("", include("doanvien.committees.urls")),
    path("", include("doanvien.honours.urls")),
    path("", include("doanvien.youth.urls")),
    path("", include("doanvien.directives.urls")),
    path("", include("doanvien.returns.urls")),
    path("", include("doanvien.activities.urls")),
    path("", include("doanvien.member_stats.urls")),
    path("", include("doanvien.yearly_reports.urls")),
]
