"""Staff pages for keeping the directory up to date (commissioners and administrators): entries with their review
dates, "mark as checked", sending an organisation its edit link, and listing the care market's providers."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from selfdirect.core.permissions import Action, staff_required
from selfdirect.core.services import DomainError

from . import services
from .forms import OrganisationForm, ServiceWithPlaceForm
from .models import Organisation, Service
from .selectors import services_for_staff

MANAGE = Action.DIRECTORY_MANAGE


@staff_required(MANAGE)
@require_http_methods(["GET", "HEAD"])
def manage_list(request):
    q = request.GET.get("q", "").strip()
    due_only = request.GET.get("due") == "1"
    entries = services_for_staff(text=q, due_only=due_only)[:500]
    return render(
        request,
        "directory/manage_list.html",
        {"entries": entries, "q": q, "due_only": due_only, "section": "directory_manage"},
    )


@staff_required(MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def manage_service(request, pk: int | None = None):
    service = get_object_or_404(Service.objects.select_related("organisation"), pk=pk) if pk else None
    if request.method == "POST":
        form = ServiceWithPlaceForm(request.POST, instance=service)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in services.SERVICE_FIELDS if f in form.cleaned_data}
            try:
                saved = services.service_save(
                    service=service,
                    data=data,
                    taxonomies=list(form.cleaned_data["taxonomies"]),
                    location=form.location_data(),
                    opening_times=form.cleaned_data["opening_times"],
                    actor=request.user,
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Saved {saved.name}")
                return redirect("directory_manage_detail", pk=saved.pk)
    else:
        initial = ServiceWithPlaceForm.initial_for(service)
        if service:
            initial["taxonomies"] = list(service.taxonomies.all())
        form = ServiceWithPlaceForm(instance=service, initial=initial)
    heading = f"Change {service.name}" if service else "Add a service to the directory"
    return render(request, "directory/manage_service_form.html", {"form": form, "service": service, "heading": heading})


@staff_required(MANAGE)
@require_http_methods(["GET", "HEAD"])
def manage_detail(request, pk: int):
    service = get_object_or_404(Service.objects.select_related("organisation", "last_checked_by"), pk=pk)
    return render(request, "directory/manage_detail.html", {"service": service})


@staff_required(MANAGE)
@require_POST
def manage_mark_checked(request, pk: int):
    service = get_object_or_404(Service, pk=pk)
    services.service_mark_checked(service=service, actor=request.user, request=request)
    messages.success(request, f"Marked {service.name} as checked today")
    return redirect("directory_manage_detail", pk=pk)


@staff_required(MANAGE)
@require_POST
def manage_send_link(request, pk: int):
    service = get_object_or_404(Service.objects.select_related("organisation"), pk=pk)
    try:
        sent_to = services.edit_link_send(
            service=service,
            link_for=lambda token: request.build_absolute_uri(reverse("directory_organisation_edit", args=[token])),
            actor=request.user,
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"We emailed a link to {sent_to}. It works for 14 days.")
    return redirect("directory_manage_detail", pk=pk)


@staff_required(MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def manage_organisation(request, pk: int | None = None):
    organisation = get_object_or_404(Organisation, pk=pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        saved = services.organisation_save(
            organisation=organisation, data=form.cleaned_data, actor=request.user, request=request
        )
        messages.success(request, f"Saved {saved.name}")
        return redirect("directory_manage")
    heading = f"Change {organisation.name}" if organisation else "Add an organisation"
    return render(request, "directory/manage_organisation_form.html", {"form": form, "heading": heading})


@staff_required(MANAGE)
@require_POST
def manage_sync(request):
    counts = services.directory_sync_from_market(actor=request.user)
    messages.success(
        request,
        f"Care providers and support-planning organisations listed: {counts['added']} added, "
        f"{counts['updated']} updated, {counts['closed']} closed.",
    )
    return redirect("directory_manage")
