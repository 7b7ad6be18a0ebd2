from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kechuang.accounts"
    label = "accounts"
    verbose_name = "组织与用户"

    def ready(self):
        from kechuang.accounts import signals  # noqa: F401
