from django.apps import AppConfig


class CreditorsConfig(AppConfig):
    name = "creditors"
    verbose_name = "Creditors and accounts"
