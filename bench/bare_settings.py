"""Settings of the bare server that bench/api_server.py measures the product against: the
product's settings with the benchmark's URLconf (its bare view, bench/_bare_urls.py) and
Django's security and common middleware only. No part of the product."""

from doanvien.settings import *  # noqa: F403

ROOT_URLCONF = "_bare_urls"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
