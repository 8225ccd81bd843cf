from django import template

from selfdirect.directory import text
from selfdirect.rules.geo import describe_distance

register = template.Library()


@register.filter
def plain_text(body: str):
    """An information page's body as safe HTML (see directory/text.py)."""
    return text.render(body or "")


@register.filter
def distance(metres):
    return "" if metres is None else describe_distance(metres)
