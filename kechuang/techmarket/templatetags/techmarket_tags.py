from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from kechuang.core.amounts import wan_text
from kechuang.techmarket.choices import field_name

register = template.Library()


@register.simple_tag
def marked(pieces) -> str:
    """Text pieces with the shared terms in <mark>."""
    return format_html_join(
        "", "{}", ((format_html("<mark>{}</mark>", text) if hit else text,) for text, hit in pieces)
    )


@register.filter
def percent0(value) -> str:
    return f"{round((value or 0) * 100)}%"


@register.filter
def bar_width(contribution) -> str:
    return f"{max(0.0, (contribution or 0) * 100):.1f}"


@register.simple_tag(takes_context=True)
def candidate_link(context, suggestion) -> str:
    """The candidate's name, linked to its page when the viewer may open it."""
    obj, kind = suggestion.obj, suggestion.kind
    user = context["request"].user
    names = {
        "result": ("techmarket:techresult_detail", "techmarket.view_techresult"),
        "expert": ("techmarket:expertprofile_detail", "techmarket.view_expertprofile"),
        "institution": ("registry:institution_detail", "registry.view_institution"),
        "demand": ("techmarket:techdemand_detail", "techmarket.view_techdemand"),
        "enterprise": ("registry:enterprise_detail", "registry.view_enterprise"),
    }
    route, permission = names[kind]
    model = type(obj)
    if user.has_perm(permission) and model.objects.restrict(user).filter(pk=obj.pk).exists():
        return format_html('<a href="{}">{}</a>', reverse(route, args=[obj.pk]), obj)
    return format_html("{}", obj)


@register.simple_tag(takes_context=True)
def readiness_warning(context, suggestion) -> str:
    """A result less mature than the demand asks for, said plainly, on either side: a result
    among a demand's candidates, or a demand among a result's."""
    if suggestion.kind == "result" and context.get("demand") is not None:
        result, demand = suggestion.obj, context["demand"]
    elif suggestion.kind == "demand" and context.get("offer_result") is not None:
        result, demand = context["offer_result"], suggestion.obj
    else:
        return ""
    if not demand.min_readiness or result.readiness >= demand.min_readiness:
        return ""
    return format_html(
        '<span class="badge text-bg-warning">成熟度 TRL {} 低于需求的 TRL {}</span>',
        result.readiness,
        demand.min_readiness,
    )


@register.simple_tag
def candidate_facts(suggestion) -> str:
    """One line of what matters about a candidate: owner, readiness, field, place."""
    obj, kind = suggestion.obj, suggestion.kind
    if kind == "result":
        parts = [
            str(obj.owner),
            f"TRL {obj.readiness}",
            field_name(obj.field),
            "、".join(obj.transfer_modes),
        ]
    elif kind == "expert":
        person = obj.person
        parts = [person.title, str(person.affiliation or ""), field_name(obj.field)]
    elif kind == "institution":
        parts = [
            obj.get_kind_display(),
            str(obj.region or ""),
            "县内" if obj.is_local else "县外合作",
        ]
    elif kind == "demand":
        parts = [str(obj.enterprise), field_name(obj.field) if obj.field else ""]
    else:
        parts = [str(obj.town or ""), obj.industry.name if obj.industry_id else "", obj.products]
    return " · ".join(p for p in parts if p)


@register.filter
def wan_number(value) -> str:
    """Yuan as 万元 without the unit, for a column whose header carries it."""
    return wan_text(value)
