"""Template helpers for GOV.UK Frontend markup."""

from django import template

register = template.Library()

_GROUP_WIDGETS = {"radioselect", "checkboxselectmultiple", "govukdate"}

_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


@register.filter
def error_anchor(field) -> str:
    """The id the error summary links to: the first input of a group, otherwise the field itself."""
    if field.widget_type in _GROUP_WIDGETS:
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def is_group(field) -> bool:
    return field.widget_type in _GROUP_WIDGETS


@register.simple_tag
def govuk_widget(field, extra_class: str = ""):
    """Render a single-input widget with GOV.UK classes and aria-describedby for its hint and error."""
    classes = [_INPUT_CLASSES.get(field.widget_type, "govuk-input")]
    if field.errors:
        classes.append(classes[0] + "--error")
    if extra_class:
        classes.append(extra_class)
    existing = field.field.widget.attrs.get("class", "")
    attrs = {"class": " ".join([*classes, existing]).strip()}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def described_by(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def has_errors(forms_list) -> bool:
    return any(f is not None and f.errors for f in forms_list)


@register.simple_tag
def date_parts(field) -> list[dict]:
    """Day, month and year inputs for a GovukDateField, keeping what the person typed."""
    value = field.value()
    if not isinstance(value, list | tuple):
        value = field.field.widget.decompress(value)
    widths = ("govuk-input--width-2", "govuk-input--width-2", "govuk-input--width-4")
    names = ("day", "month", "year")
    return [
        {
            "id": f"{field.auto_id}_{i}",
            "name": f"{field.html_name}_{i}",
            "label": label,
            "value": "" if value[i] is None else value[i],
            "width": widths[i],
            "autocomplete": f"bday-{names[i]}" if "birth" in field.name else "",
        }
        for i, label in enumerate(("Day", "Month", "Year"))
    ]
