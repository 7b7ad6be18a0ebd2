"""Masking of personal data (PIPL) for users without the right to see it."""


def mask(value: str | None) -> str:
    """138****1234 for phones, 330624********1234 for ID numbers, first character for others."""
    if not value:
        return ""
    text = str(value)
    if len(text) == 11 and text.isdigit():
        return f"{text[:3]}****{text[-4:]}"
    if len(text) in (15, 18):
        return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"
    if len(text) <= 4:
        return text[0] + "*" * (len(text) - 1)
    return f"{text[:2]}{'*' * (len(text) - 4)}{text[-2:]}"


def hidden_fields(user, model) -> tuple[str, ...]:
    """The model's personal fields (`personal_fields`: field -> the permission that shows it)
    that `user` may only see masked."""
    personal = getattr(model, "personal_fields", {})
    return tuple(name for name, permission in personal.items() if not user.has_perm(permission))


def shown(user, obj, field: str) -> str:
    """A field's value as `user` may read it: whole, or masked when it is personal data
    they may not see."""
    value = getattr(obj, field) or ""
    return mask(value) if field in hidden_fields(user, type(obj)) else value
