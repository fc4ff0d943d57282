from django.apps import AppConfig


class BailiffsConfig(AppConfig):
    name = "bailiffs"
    verbose_name = "Bailiff offices"
