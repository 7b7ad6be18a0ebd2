from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "kechuang.registry"
    label = "registry"
    verbose_name = "创新主体库"
