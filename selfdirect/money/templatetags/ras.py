"""Template helpers for the resource allocation system: `{% load ras %}`.

- `{% indicative_budget_for assessment as budget %}`: the assessment's indicative budget, or None, so a page
  can show it from `assessment` alone (money/_indicative_budget.html does).
- `{{ amount|pounds }}`: "£17,409.60".
"""

from django import template

from selfdirect.money import ras_selectors
from selfdirect.rules import allocation

register = template.Library()


@register.simple_tag
def indicative_budget_for(assessment):
    return ras_selectors.indicative_budget_for(assessment)


@register.filter
def pounds(amount) -> str:
    return "" if amount in (None, "") else allocation.money(amount)


@register.filter
def points(value) -> str:
    return "" if value in (None, "") else allocation.points_text(value)
