from django import forms, template
from django.utils.http import urlencode

from kechuang.core import amounts
from kechuang.core.masking import mask

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, export)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@register.filter
def query_lists(query) -> list:
    """A query's (name, values) pairs. In a template `request.GET.lists` would look up a
    parameter named "lists" first, so `?lists=x` would break the page."""
    return list(query.lists())


@register.filter
def add_class(bound_field, css: str):
    """Render a form field with Bootstrap classes that fit its widget."""
    return _with_classes(bound_field, css)


@register.filter
def is_wide(bound_field) -> bool:
    """Fields that take the form's whole width: long texts and lists of checkboxes."""
    return isinstance(bound_field.field.widget, forms.Textarea | forms.CheckboxSelectMultiple)


@register.filter
def is_tick(bound_field) -> bool:
    """A single checkbox, labelled after it."""
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def cell_field(bound_field, css: str):
    """A form field in a table cell, with the classes `add_class` gives and `is-invalid` when
    it has errors. Its column header is its only visible label, which assistive technology
    does not tie to the control, so the control carries its own name: the field's label
    and, in a formset, the row number."""
    name = str(bound_field.label)
    index = (bound_field.form.prefix or "").rpartition("-")[2]
    if index.isdigit():
        name = f"{name}（第{int(index) + 1}行）"
    if bound_field.errors:
        css = f"{css} is-invalid"
    return _with_classes(bound_field, css, {"aria-label": name})


def _with_classes(bound_field, css: str, attrs: dict | None = None):
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return bound_field
    elif not isinstance(widget, forms.Select | forms.SelectMultiple):
        css = css.replace("form-select", "form-control")
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={**(attrs or {}), "class": f"{existing} {css}".strip()})


@register.filter
def wan(value) -> str:
    """One record's amount, stored in yuan, shown in 万元 as everywhere else it is shown and
    entered: "1,234.50 万元"."""
    text = amounts.wan_text(value)
    return text if text == amounts.EMPTY else f"{text} 万元"


@register.filter
def total_yuan(value) -> str:
    """A total over many records: 万元, or 亿元 from 1 亿 on, as reports state them."""
    return amounts.wan_or_yi_text(value)


@register.filter
def percent(value) -> str:
    """A fraction shown as a percentage with two decimals: 0.0349 -> 3.49%."""
    if value in (None, ""):
        return "—"
    return f"{float(value) * 100:.2f}%"


@register.filter
def masked(value: str, visible: bool = False) -> str:
    return value if visible else mask(value)
