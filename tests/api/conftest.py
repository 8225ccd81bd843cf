import pytest
from django.test import Client

from .factories import token_for


@pytest.fixture
def api_as(db):
    """api_as(user) -> a test Client whose every request carries a fresh token acting as `user`."""

    def make(user) -> Client:
        return Client(headers={"Authorization": f"Bearer {token_for(user)}"})

    return make


@pytest.fixture(autouse=True)
def _no_event_settle(settings):
    """The feed holds back events younger than a few seconds (see selfdirect/api/events.py); tests see them all."""
    settings.API_EVENT_FEED_SETTLE_SECONDS = 0
