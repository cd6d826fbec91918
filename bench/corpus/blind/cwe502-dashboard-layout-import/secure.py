"""Dashboards: import a layout that a user exported from another account."""
import json
from dataclasses import dataclass, field

import jsonschema

LAYOUT_SCHEMA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 80},
        "columns": {"type": "integer", "minimum": 1, "maximum": 6},
        "widgets": {
            "type": "array",
            "maxItems": 40,
            "items": {
                "type": "object",
                "required": ["kind", "title"],
                "properties": {
                    "kind": {"enum": ["chart", "table", "counter", "note"]},
                    "title": {"type": "string", "maxLength": 120},
                    "width": {"type": "integer", "minimum": 1, "maximum": 6},
                },
            },
        },
    },
}


@dataclass
class Widget:
    kind: str
    title: str
    width: int = 1


@dataclass
class DashboardLayout:
    name: str
    columns: int = 3
    widgets: list = field(default_factory=list)


def restore_dashboard_layout(layout_json):
    """Rebuild a DashboardLayout from an exported layout file.

    ``layout_json`` is the text of the ``.layout.json`` file the user picked
    in the "import dashboard" dialog (the export feature wrote it as plain
    JSON). The returned DashboardLayout is saved to the user's account and
    rendered on their home page.
    """
    data = json.loads(layout_json)
    jsonschema.validate(data, LAYOUT_SCHEMA)
    widgets = [
        Widget(kind=w["kind"], title=w["title"], width=w.get("width", 1))
        for w in data.get("widgets", [])
    ]
    return DashboardLayout(name=data["name"], columns=data.get("columns", 3), widgets=widgets)
