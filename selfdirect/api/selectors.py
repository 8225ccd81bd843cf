from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, Webhook


def api_tokens() -> QuerySet[ApiToken]:
    return ApiToken.objects.select_related("user", "created_by", "revoked_by").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )


def api_token_get(*, pk) -> ApiToken:
    return get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)


def webhook_list() -> QuerySet[Webhook]:
    return Webhook.objects.select_related("token").order_by("-is_active", "name")


def webhook_get(*, pk) -> Webhook:
    return get_object_or_404(Webhook, pk=pk)
