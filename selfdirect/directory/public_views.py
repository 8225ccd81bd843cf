"""The public directory: search by need, words and distance from a postcode, and one service's page. No sign-in,
no JavaScript needed (the search form is a GET form, so results pages can be bookmarked and shared); nothing is
saved or logged about who searched for what."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from selfdirect.core.access import public
from selfdirect.core.services import DomainError

from . import services
from .forms import DirectorySearchForm, OrganisationEditForm
from .models import Service
from .selectors import Hit, service_get_public, services_matching, services_near

PER_PAGE = 20


@public
@require_GET
def directory_search(request):
    searched = bool(request.GET)
    form = DirectorySearchForm(request.GET or None)
    context = {"form": form, "searched": searched}
    if searched and form.is_valid():
        data = form.cleaned_data
        matching = services_matching(text=data["q"], taxonomy_codes=[data["need"]])
        if form.origin:
            hits = services_near(
                services=matching, latitude=form.origin[0], longitude=form.origin[1], radius_m=form.radius_m()
            )
        else:
            hits = [Hit(service=s) for s in matching]
        page = Paginator(hits, PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(page=page, total=len(hits), query=query.urlencode(), by_distance=bool(form.origin))
    return render(request, "directory/search.html", context)


@public
@require_GET
def directory_service(request, pk: int):
    try:
        service = service_get_public(pk=pk)
    except Service.DoesNotExist:
        raise Http404("No such service") from None
    return render(request, "directory/service.html", {"service": service})


@public
@require_http_methods(["GET", "HEAD", "POST"])
def directory_organisation_edit(request, token: str):
    """An organisation updates its own entry through the signed link the council emailed it (no account)."""
    try:
        service = services.edit_link_service(token=token)
    except services.EditLinkError as error:
        return render(request, "directory/edit_link_problem.html", {"message": error.message}, status=403)
    if request.method == "POST":
        form = OrganisationEditForm(request.POST)
        if form.is_valid():
            try:
                services.service_update_by_organisation(
                    service=service,
                    data=form.cleaned_data,
                    location=form.location_data(),
                    opening_times=form.cleaned_data["opening_times"],
                    editor_name=form.cleaned_data["editor_name"],
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return render(request, "directory/edit_link_done.html", {"service": service})
    else:
        form = OrganisationEditForm(initial=OrganisationEditForm.initial_for(service))
    return render(request, "directory/edit_link_form.html", {"form": form, "service": service})
