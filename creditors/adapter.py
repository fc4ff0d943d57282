"""How django-allauth signs creditors up.

A new user owns a new account, or joins the inviting one: that is decided in the sign-up form
(`creditors.forms.PlatformSignupForm.signup`), which knows the organisation name and the
invitation. The adapter keeps allauth's defaults.
"""

from allauth.account.adapter import DefaultAccountAdapter


class PlatformAccountAdapter(DefaultAccountAdapter):
    pass
