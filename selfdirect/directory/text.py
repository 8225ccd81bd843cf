"""The information pages' simple, safe text format.

- Paragraphs are separated by a blank line.
- Lines that begin with "- " make a bulleted list.
- [words](/a-page/) or [words](https://example.org/) makes a link: only site paths and https addresses.

Everything else is escaped, so nothing typed in the admin is ever read as HTML.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\]\n]+)\]\((/[A-Za-z0-9\-_/#?=&.]*|https://[^\s)]+)\)")
_BULLET = "- "


def blocks(body: str) -> list[tuple[str, list[str]]]:
    """("p", [line]) for a paragraph, ("ul", [item, ...]) for a list, in order."""
    out: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        paragraph: list[str] = []
        for line in (line.strip() for line in chunk.split("\n")):
            if not line:
                continue
            if line.startswith(_BULLET):
                if paragraph:
                    out.append(("p", [" ".join(paragraph)]))
                    paragraph = []
                if not out or out[-1][0] != "ul":
                    out.append(("ul", []))
                out[-1][1].append(line[len(_BULLET) :].strip())
            else:
                if out and out[-1][0] == "ul" and not paragraph:
                    paragraph = [line]
                else:
                    paragraph.append(line)
        if paragraph:
            out.append(("p", [" ".join(paragraph)]))
    return out


def _inline(text: str) -> str:
    """Escape, then turn [words](target) into links (the target was limited by the pattern)."""
    parts, last = [], 0
    for match in _LINK.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(format_html('<a class="govuk-link" href="{}">{}</a>', match.group(2), match.group(1)))
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def render(body: str) -> SafeString:
    html = []
    for kind, lines in blocks(body):
        if kind == "p":
            html.append(f'<p class="govuk-body">{_inline(lines[0])}</p>')
        else:
            items = "".join(f"<li>{_inline(item)}</li>" for item in lines)
            html.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
    return mark_safe("\n".join(html))  # noqa: S308 (every piece of text above went through escape())


def displayed_text(body: str) -> str:
    """What a reader sees, one block or bullet a line (link targets dropped): what readability is measured on."""
    lines = []
    for _kind, items in blocks(body):
        lines.extend(_LINK.sub(r"\1", item) for item in items)
    return "\n".join(lines)
