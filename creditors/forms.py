"""Forms of the account pages: sign-up, invitations and companies."""

from typing import Any

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from creditors.models import Company, Invitation, InvitationStatus, Language, Role, User
from creditors.selectors import SESSION_ACCOUNT_KEY, invitation_by_key
from creditors.services import account_create, invitation_accept

SESSION_INVITATION_KEY = "invitation_key"


def invitation_in_session(request: HttpRequest | None) -> Invitation | None:
    """The pending invitation whose link this visitor opened before signing up, if any."""
    if request is None or not hasattr(request, "session"):
        return None
    key = request.session.get(SESSION_INVITATION_KEY)
    invitation = invitation_by_key(key=key) if key else None
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return None
    return invitation


class PlatformSignupForm(SignupForm):
    """E-mail, password twice and the organisation: the new user owns a new account.

    Through an invitation link the address is the invited one and the user joins the inviting
    account instead (no organisation is asked for).
    """

    organisation = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        help_text=_("Your firm or group; you add the companies you collect for next."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    field_order = ["email", "password1", "password2", "organisation"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation_in_session(context.request)
        if self.invitation is not None:
            del self.fields["organisation"]
            self.fields["email"].initial = self.invitation.email
            self.fields["email"].widget.attrs["readonly"] = True

    def clean_email(self) -> str:
        email: str = super().clean_email()
        if self.invitation is not None and email.lower() != self.invitation.email.lower():
            raise forms.ValidationError(
                _("This invitation is for %(email)s."), params={"email": self.invitation.email}
            )
        return email

    def save(self, request: HttpRequest) -> AbstractBaseUser:
        with transaction.atomic():  # never a user without an account
            return super().save(request)

    def signup(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Called by allauth once the user row exists, before the verification mail."""
        assert isinstance(user, User)
        if self.invitation is not None:
            membership = invitation_accept(invitation=self.invitation, actor=user)
            request.session.pop(SESSION_INVITATION_KEY, None)
            request.session[SESSION_ACCOUNT_KEY] = membership.account_id
        else:
            account_create(name=self.cleaned_data["organisation"], owner=user)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.MEMBER, Role.MEMBER.label), (Role.READ_ONLY, Role.READ_ONLY.label)],
        initial=Role.MEMBER,
        help_text=_("Members submit and follow claims; read-only members only look."),
    )


class CompanyForm(forms.ModelForm[Company]):
    """The fields of a company; the checks of numbers and IBAN are in the services."""

    class Meta:
        model = Company
        fields = [
            "name",
            "country",
            "registration_number",
            "vat_number",
            "iban",
            "street",
            "postal_code",
            "city",
            "language",
        ]
        help_texts = {
            "registration_number": _("Belgian enterprise number, or the register number abroad."),
            "iban": _("Refunds of bank transfers are paid to this account."),
            "language": _("The language of letters and documents for this company."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            language = (get_language() or "")[:2]
            self.fields["country"].initial = "BE"
            self.fields["language"].initial = (
                language if language in Language.values else Language.NL
            )
