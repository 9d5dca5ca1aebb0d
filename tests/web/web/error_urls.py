"""The real URLs plus views that fail on purpose, to see the error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from spaceforchange.urls import handler403, handler404, handler500
from spaceforchange.urls import urlpatterns as real_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def forbidden(request):  # type: ignore[no-untyped-def]
    raise PermissionDenied("secret reason 403")


def broken(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("secret-internal-detail-42")


urlpatterns = [path("test-403/", forbidden), path("test-500/", broken), *real_urlpatterns]
