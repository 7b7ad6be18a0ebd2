"""The form renderer: Django's own, with select boxes written out in Python.

Django's select template includes a template for every option, about 0.07 ms an option:
100 ms for the enterprise form's 1,380 industry classes, and a fifth of a list page's filter
bar. The output is the stock template's, character for character (core/tests/test_renderers.py
holds them together); selects whose options use another template still go through it.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if (
            template_name == SELECT_TEMPLATE
            and widget is not None
            and all(
                option["template_name"] == OPTION_TEMPLATE
                for _name, options, _index in widget["optgroups"]
                for option in options
            )
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
