"""Serializer plumbing every app's API shares."""

from rest_framework import serializers

from kechuang.core.masking import mask


class StrictSerializer(serializers.Serializer):
    """A request serializer that refuses fields it does not have, by name: DRF drops them,
    so a misspelt option (`create_unknwn`) would otherwise go unnoticed while the request
    goes through without it."""

    def validate(self, attrs):
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(getattr(self.initial_data, "keys", dict)()) - writable)
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, ["没有这个字段。"]))
        return super().validate(attrs)


class MaskedCharField(serializers.CharField):
    """Personal text (a phone, an ID number) shown whole to users holding `permission` and
    masked to others; written like any text field. A masked value sent back unchanged, as a
    client echoing what it read does, leaves the stored value alone (see `echoes_mask`)."""

    def __init__(self, permission: str, **kwargs):
        self.permission = permission
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def shows_whole(self) -> bool:
        user = self.context.get("user")
        return user is not None and user.has_perm(self.permission)

    def to_representation(self, value):
        text = super().to_representation(value)
        return text if self.shows_whole() else mask(text)

    def echoes_mask(self, sent, stored) -> bool:
        return not self.shows_whole() and sent == mask(stored or "")
