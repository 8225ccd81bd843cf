"""The API's reference page (/api/docs), built from its OpenAPI schema on the server: the same document
integrations read at /api/v1/openapi.json, as HTML that needs no script (the Content-Security-Policy allows no
inline script, and ninja's Swagger UI depends on inline scripts and a CDN)."""

from dataclasses import dataclass, field
from typing import Any

from selfdirect.core.permissions import Action

from .access import ACTION_KEY

METHODS = ("get", "post", "put", "patch", "delete")
CONSTRAINTS = {
    "minimum": "at least {}",
    "maximum": "at most {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "pattern": "matching {}",
    "format": "format {}",
}


@dataclass
class Field:
    name: str
    type: str
    type_anchor: str = ""
    required: bool = False
    where: str = ""
    description: str = ""
    rules: list[str] = field(default_factory=list)


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: list[str]
    action: str
    public: bool
    parameters: list[Field]
    body: Field | None
    responses: list[Field]


@dataclass
class Model:
    name: str
    description: list[str]
    fields: list[Field]
    variants: list[str] = field(default_factory=list)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(node: dict[str, Any]) -> tuple[str, str]:
    """(words, anchor of the schema it names or "") for a JSON Schema node."""
    if "$ref" in node:
        name = _ref_name(node["$ref"])
        return name, f"schema-{name}"
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            parts = [type_of(member) for member in node[key]]
            names = [name for name, _ in parts]
            anchor = next((a for _, a in parts if a), "")
            return " or ".join(names), anchor
    if "enum" in node:
        return "one of " + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in node["enum"]), ""
    if "const" in node:
        return f'"{node["const"]}"', ""
    kind = node.get("type", "any")
    if kind == "array":
        inner, anchor = type_of(node.get("items", {}))
        return f"list of {inner}", anchor
    return str(kind), ""


def _rules(node: dict[str, Any]) -> list[str]:
    return [text.format(node[key]) for key, text in CONSTRAINTS.items() if key in node]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = []
            for p in op.get("parameters", []):
                type_, anchor = type_of(p.get("schema", {}))
                parameters.append(
                    Field(
                        name=p["name"],
                        type=type_,
                        type_anchor=anchor,
                        required=p.get("required", False),
                        where=p.get("in", ""),
                        description=p.get("description", ""),
                        rules=_rules(p.get("schema", {})),
                    )
                )
            body = None
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                type_, anchor = type_of(content.get("schema", {}))
                body = Field(name="body", type=type_, type_anchor=anchor, required=True)
            responses = []
            for status, response in op.get("responses", {}).items():
                node = response.get("content", {}).get("application/json", {}).get("schema", {})
                type_, anchor = type_of(node) if node else ("", "")
                responses.append(
                    Field(name=status, type=type_, type_anchor=anchor, description=response.get("description", ""))
                )
            action = op.get(ACTION_KEY, "")
            found.append(
                Operation(
                    anchor=op.get("operationId", f"{method}-{path}"),
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=_paragraphs(op.get("description", "")),
                    action=f"{Action(action).label} ({action})" if action else "",
                    public=not op.get("security"),
                    parameters=parameters,
                    body=body,
                    responses=responses,
                )
            )
    return found


def models(schema: dict[str, Any]) -> list[Model]:
    found = []
    for name, node in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(node.get("required", []))
        fields = []
        for prop, sub in node.get("properties", {}).items():
            type_, anchor = type_of(sub)
            fields.append(
                Field(
                    name=prop,
                    type=type_,
                    type_anchor=anchor,
                    required=prop in required,
                    description=sub.get("description", ""),
                    rules=_rules(sub),
                )
            )
        variants = [type_of(m)[0] for m in node.get("oneOf", []) + node.get("anyOf", [])]
        found.append(
            Model(name=name, description=_paragraphs(node.get("description", "")), fields=fields, variants=variants)
        )
    return found


def tags(schema: dict[str, Any]) -> list[tuple[str, list[Operation]]]:
    """Operations grouped by their first tag, in the order the schema lists them."""
    groups: dict[str, list[Operation]] = {}
    for path_ops, op in zip(_tagged(schema), operations(schema), strict=True):
        groups.setdefault(path_ops, []).append(op)
    return list(groups.items())


def _tagged(schema: dict[str, Any]):
    for item in schema.get("paths", {}).values():
        for method in METHODS:
            if method in item:
                yield (item[method].get("tags") or ["other"])[0]
