"""Serializer plumbing every app's API shares."""

from rest_framework import serializers


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
