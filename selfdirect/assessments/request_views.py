"""Staff pages for requests for support (being written)."""

from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404("Not built yet")


request_list = request_create = request_detail = request_link = request_create_person = request_conclude = _not_yet
