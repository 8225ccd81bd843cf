"""Pages: administrators issue and revoke API tokens; anyone may read the API reference (/api/docs)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from selfdirect.core.access import public
from selfdirect.core.permissions import Action, staff_required
from selfdirect.core.services import DomainError

from . import docs_page, selectors, services, webhooks
from .api import api
from .forms import TokenIssueForm, WebhookForm


@staff_required(Action.API_TOKENS)
def token_list(request):
    context = {"tokens": selectors.api_tokens(), "webhooks": selectors.webhook_list()}
    return render(request, "api/token_list.html", context)


@never_cache
@staff_required(Action.API_TOKENS)
def token_issue(request):
    form = TokenIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_issue(actor=request.user, request=request, **form.issue_kwargs())
        except DomainError as error:
            form.add_domain_error(error)
        else:
            # Shown on this response only (never stored, never cached): the page says to copy it now.
            return render(request, "api/token_issued.html", {"token": token, "secret": secret})
    return render(request, "api/token_issue.html", {"form": form})


@staff_required(Action.API_TOKENS)
def token_revoke(request, pk):
    token = selectors.api_token_get(pk=pk)
    if request.method == "POST":
        try:
            services.api_token_revoke(token=token, actor=request.user, request=request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Token '{token.name}' revoked: it no longer works")
        return redirect("api_token_list")
    return render(request, "api/token_revoke.html", {"token": token})


@never_cache
@staff_required(Action.API_TOKENS)
def webhook_create(request):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook, secret = webhooks.webhook_create(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return render(request, "api/webhook_created.html", {"webhook": webhook, "secret": secret})
    return render(request, "api/webhook_new.html", {"form": form})


@staff_required(Action.API_TOKENS)
def webhook_stop(request, pk):
    webhook = selectors.webhook_get(pk=pk)
    if request.method == "POST":
        webhooks.webhook_stop(webhook=webhook, actor=request.user, request=request)
        messages.success(request, f"Webhook '{webhook.name}' stopped")
        return redirect("api_token_list")
    return render(request, "api/webhook_stop.html", {"webhook": webhook})


@public
def api_docs(request):
    schema = api.get_openapi_schema()
    context = {
        "info": schema.get("info", {}),
        "groups": docs_page.tags(schema),
        "models": docs_page.models(schema),
    }
    return render(request, "api/docs.html", context)
