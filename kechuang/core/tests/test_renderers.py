import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kechuang.conftest import SHARED_WORLD
from kechuang.core.renderers import FormRenderer
from kechuang.registry.forms import EnterpriseForm
from kechuang.registry.tests.factories import EnterpriseFactory

pytestmark = SHARED_WORLD

STOCK = DjangoTemplates()
OURS = FormRenderer()

CHOICES = [
    ("", "全部"),
    (1, "一 & <二>"),
    ('a"b', mark_safe("<b>粗</b>")),
    ("分组甲", [("x", "X"), ("y", "Y")]),
    (2026, "2026年"),
]


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs, renderer=STOCK),
        widget.render(name, value, attrs, renderer=OURS),
    )


@pytest.mark.parametrize(
    "widget, value",
    [
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES), "x"),
        (forms.Select(choices=CHOICES, attrs={"class": "form-select", "data-x": '"q"'}), 1),
        (forms.Select(choices=CHOICES, attrs={"disabled": True, "required": False}), 2026),
        (forms.SelectMultiple(choices=CHOICES), ["x", "1"]),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[]), None),
    ],
)
def test_selects_render_as_the_stock_template_does(widget, value):
    stock, ours = both(widget, "f<n>", value, {"id": "id_f"})
    assert ours == stock


def test_model_choice_fields_render_as_the_stock_template_does(world):
    form = EnterpriseForm(instance=EnterpriseFactory(), user=world.staff)
    for name in ("industry", "town", "size_class", "status"):
        field = form[name]
        widget = field.field.widget
        context_value = field.value()
        stock = widget.render(field.html_name, context_value, {"id": "x"}, renderer=STOCK)
        ours = widget.render(field.html_name, context_value, {"id": "x"}, renderer=OURS)
        assert ours == stock
        assert "<option" in ours


def test_selects_with_their_own_option_template_go_through_it():
    class Starred(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Starred(choices=[("a", "A")])
    assert both(widget, "f", "a")[1] == both(widget, "f", "a")[0]
    assert "<input" in widget.render("f", "a", renderer=OURS)


def test_other_widgets_are_untouched():
    for widget in (forms.TextInput(), forms.CheckboxSelectMultiple(choices=CHOICES[1:2])):
        stock, ours = both(widget, "f", None)
        assert ours == stock
