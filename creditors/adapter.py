"""How django-allauth signs creditors up: every new user gets an account of their own."""

from allauth.account.adapter import DefaultAccountAdapter


class PlatformAccountAdapter(DefaultAccountAdapter):
    pass
