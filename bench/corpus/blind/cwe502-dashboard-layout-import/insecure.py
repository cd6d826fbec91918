"""Dashboards: import a layout that a user exported from another account."""
from dataclasses import dataclass, field

import jsonpickle


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
    in the "import dashboard" dialog (the export feature wrote it with
    jsonpickle). The returned DashboardLayout is saved to the user's account
    and rendered on their home page.
    """
    layout = jsonpickle.decode(layout_json)
    if not isinstance(layout, DashboardLayout):
        raise ValueError("file does not contain a dashboard layout")
    if not 1 <= layout.columns <= 6 or len(layout.widgets) > 40:
        raise ValueError("layout is too large")
    return layout
