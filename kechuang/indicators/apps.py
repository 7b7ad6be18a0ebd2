from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kechuang.indicators"
    label = "indicators"
    verbose_name = "区域指标与创新指数"

    def ready(self) -> None:
        from kechuang.indicators import signals  # noqa: F401 (connects the receivers)
