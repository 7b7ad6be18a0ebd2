import django_tables2 as tables


class BaseTable(tables.Table):
    """Every list table. `Meta.always_visible` columns cannot be hidden by the column chooser;
    `Meta.export_exclude` columns (links, actions) are left out of Excel exports."""

    @classmethod
    def always_visible(cls) -> tuple[str, ...]:
        return getattr(cls.Meta, "always_visible", ())

    @classmethod
    def export_exclude(cls) -> tuple[str, ...]:
        return getattr(cls.Meta, "export_exclude", ())
