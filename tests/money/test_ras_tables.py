"""RAS table versions: the default published by migration, drafts, publishing checks, and the admin, where
published versions are read-only and "make a new draft" and "publish" go through the audited services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.money import ras_default, ras_selectors, ras_services
from selfdirect.money.models import RasTable
from selfdirect.rules import allocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1():
    return RasTable.objects.get(version=1)


@pytest.fixture
def admin_client(user_of_role, client_as):
    user = user_of_role(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    return client_as(user)


def test_migration_publishes_the_illustrative_default_as_version_1(v1):
    """Version 1 is published, says it is illustrative, and matches money/ras_default.py exactly."""
    assert v1.published_at is not None and "ILLUSTRATIVE" in v1.notes
    assert {r.key: r.points for r in v1.rules.all()} == {k: p for k, p, _ in ras_default.RULES}
    assert allocation.table_problems(ras_selectors.table_spec(v1)) == []
    assert v1.prices.get().price_per_point == Decimal("18.60")


def test_new_draft_copies_rules_and_prices_and_leaves_the_original(v1, team_manager):
    """A draft is the next version, unpublished, with every rule and price copied, and is audited."""
    draft = ras_services.ras_table_new_draft(table=v1, actor=team_manager)
    assert (draft.version, draft.published_at) == (2, None)
    assert draft.rules.count() == v1.rules.count() and draft.prices.count() == 1
    draft.rules.filter(key="outcome:a").update(points=5)
    assert v1.rules.get(key="outcome:a").points == 1
    audit = AuditEvent.objects.get(object_type="money.rastable", object_id=str(draft.pk))
    assert audit.summary == "RAS table version 2 drafted from version 1" and audit.actor == team_manager


def test_publish_checks_the_table_and_refuses_twice(v1, team_manager):
    """An incomplete draft is refused with what is missing; a complete one publishes once, audited."""
    draft = ras_services.ras_table_new_draft(table=v1, actor=team_manager)
    draft.rules.filter(key="night:waking").delete()
    with pytest.raises(DomainError, match="missing for: night:waking"):
        ras_services.ras_table_publish(table=draft, actor=team_manager)
    draft.rules.create(key="night:waking", points=50, description="Waking nights")
    ras_services.ras_table_publish(table=draft, actor=team_manager)
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert AuditEvent.objects.filter(summary="RAS table version 2 published").exists()
    with pytest.raises(DomainError, match="already published"):
        ras_services.ras_table_publish(table=draft, actor=team_manager)
    with pytest.raises(DomainError, match="already published"):
        ras_services.ras_table_publish(table=v1, actor=team_manager)


def test_a_band_table_without_a_rising_top_band_cannot_be_published(v1, team_manager):
    """Bands must not cap: the open top band needs a price per point above its lower limit."""
    draft = ras_services.ras_table_new_draft(table=v1, actor=team_manager)
    RasTable.objects.filter(pk=draft.pk).update(method="bands")
    draft.prices.all().delete()
    draft.prices.create(age_band="any", client_group="any", min_points=0, max_points=20, weekly_amount=200)
    draft.prices.create(age_band="any", client_group="any", min_points=20, weekly_amount=500)
    with pytest.raises(DomainError, match="there is no cap"):
        ras_services.ras_table_publish(table=draft, actor=team_manager)
    draft.prices.filter(min_points=20).update(price_per_point=Decimal("18.00"))
    assert ras_services.ras_table_publish(table=draft, actor=team_manager).published_at


def test_fitted_price_draft_refuses_tables_with_group_prices(v1, team_manager):
    """One fitted price cannot replace prices set for particular groups: the admin is the place for that."""
    draft = ras_services.ras_table_new_draft(table=v1, actor=team_manager)
    draft.prices.create(age_band="65+", client_group="any", price_per_point=19)
    with pytest.raises(DomainError, match="particular age bands or groups"):
        ras_services.ras_table_draft_with_price(table=draft, price_per_point=Decimal("20"), actor=team_manager)
    fitted = ras_services.ras_table_draft_with_price(table=v1, price_per_point=Decimal("20.10"), actor=team_manager)
    assert fitted.prices.get().price_per_point == Decimal("20.10") and "Calibrated from version 1" in fitted.notes


def test_admin_shows_published_versions_read_only(admin_client, v1):
    """The change page of a published version has no save button and refuses a POST."""
    url = reverse("admin:money_rastable_change", args=[v1.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin_client.post(url, {"name": "Changed"}).status_code == 403
    v1.refresh_from_db()
    assert v1.name == ras_default.NAME


def test_admin_draft_is_editable(admin_client, v1, team_manager):
    """A draft's change page can be saved, with its rules and prices inline."""
    draft = ras_services.ras_table_new_draft(table=v1, actor=team_manager)
    page = admin_client.get(reverse("admin:money_rastable_change", args=[draft.pk]))
    assert (
        b'name="_save"' in page.content
        and b"rules-0-points" in page.content
        and b"prices-0-client_group" in page.content
    )


def test_admin_actions_make_a_draft_and_publish_it_with_audit(admin_client, v1):
    """ "Make a new draft" then "Publish" from the list, each through the audited service."""
    changelist = reverse("admin:money_rastable_changelist")
    admin_client.post(changelist, {"action": "make_draft", "_selected_action": [v1.pk]})
    draft = RasTable.objects.get(version=2)
    assert draft.published_at is None
    admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.published_at is not None
    assert AuditEvent.objects.filter(object_type="money.rastable", object_id=str(draft.pk)).count() == 2


def test_admin_publish_of_a_bad_draft_shows_the_problem(admin_client, v1, team_manager):
    """Publishing an incomplete draft from the admin leaves it a draft and shows why."""
    draft = ras_services.ras_table_new_draft(table=v1, actor=team_manager)
    draft.rules.filter(key="outcome:e").delete()
    response = admin_client.post(
        reverse("admin:money_rastable_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "missing for: outcome:e" in response.content.decode()
    draft.refresh_from_db()
    assert draft.published_at is None
