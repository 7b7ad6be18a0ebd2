from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = "平台基础"

    def ready(self) -> None:
        from kechuang.core import exports, signals  # noqa: F401
