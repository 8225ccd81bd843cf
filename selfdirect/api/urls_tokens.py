from django.urls import path

from . import views

urlpatterns = [
    path("api/docs", views.api_docs, name="api_docs"),
    path("api-tokens/", views.token_list, name="api_token_list"),
    path("api-tokens/new/", views.token_issue, name="api_token_issue"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("api-tokens/webhooks/new/", views.webhook_create, name="api_webhook_create"),
    path("api-tokens/webhooks/<int:pk>/stop/", views.webhook_stop, name="api_webhook_stop"),
]
