"""Accessibility check for Playwright pages with axe-core (from node_modules, not served to users)."""

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# WCAG 2.2 level AA, which councils must meet (Public Sector Bodies Accessibility Regulations), includes
# every A and AA criterion of 2.0 and 2.1.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `make npm-deps` (or `make test`)")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page, *, disable_rules=()):
    """Run axe on the page as it is now and return its violations (a list of dicts)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol rather than page.add_script_tag, which inserts an inline
        # <script>: that would be blocked once the Content-Security-Policy forbids inline scripts.
        page.evaluate(_axe_source())
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": False} for rule in disable_rules},
        "resultTypes": ["violations"],
    }
    return page.evaluate("options => window.axe.run(document, options).then(r => r.violations)", options)


def format_violations(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact') or 'unknown impact'}]: {v['help']}")
        lines.append(f"    {v['helpUrl']}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, disable_rules=()):
    """Fail with a readable list (rule, impact, help, elements) if axe finds WCAG 2.2 A/AA violations.

    disable_rules: rule ids to skip, each with a reason at the call site.
    """
    violations = axe_violations(page, disable_rules=disable_rules)
    assert not violations, (
        f"axe found {len(violations)} WCAG 2.2 A/AA violation(s) on {page.url}:\n{format_violations(violations)}"
    )
