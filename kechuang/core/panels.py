"""Panels other apps add to an object's page, so that the registry need not know them.

`register(model, template, context)` from an app's `ready()`; the object page renders each
panel whose context function returns a dict (None hides the panel).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[object, object], dict | None]


PANELS: dict[type, list[Panel]] = {}


def register(model: type, template: str, context: Callable[[object, object], dict | None]):
    PANELS.setdefault(model, []).append(Panel(template, context))


def render_panels(obj, request) -> list[str]:
    rendered = []
    for panel in PANELS.get(type(obj), []):
        context = panel.context(obj, request)
        if context is not None:
            rendered.append(render_to_string(panel.template, {**context, "object": obj}, request))
    return rendered
