"""Writes about accounts, memberships, invitations, companies and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from stdnum import iban as iban_number
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NumberError

from creditors.models import (
    Account,
    ApiToken,
    Company,
    Invitation,
    InvitationStatus,
    Membership,
    Role,
    User,
)
from debtors.identifiers import normalise_registration

TOKEN_PREFIX_LENGTH = 8
INVITATION_VALIDITY = timedelta(days=7)
INVITABLE_ROLES = frozenset({Role.MEMBER, Role.READ_ONLY})


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def user_create_verified(*, email: str, password: str, is_staff: bool = False) -> User:
    """A user whose address is known good (seeded or created by staff): no verification mail."""
    user = User.objects.create_user(email, password, is_staff=is_staff, is_superuser=is_staff)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@transaction.atomic
def account_create(*, name: str, owner: User) -> Account:
    base = slugify(name)[:50] or "account"
    slug = base
    while Account.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    account = Account.objects.create(name=name, slug=slug)
    Membership.objects.create(account=account, user=owner, role=Role.OWNER)
    return account


def membership_add(*, account: Account, actor: User, user: User, role: Role) -> Membership:
    return Membership.objects.create(account=account, user=user, role=role)


def _require_owner(*, account: Account, actor: User) -> None:
    """Only an owner manages the team and the companies (read-only and members only look)."""
    if not Membership.objects.filter(account=account, user=actor, role=Role.OWNER).exists():
        raise PermissionDenied(_("Only an owner of the account can do this."))


def _checked_company_fields(fields: dict[str, str]) -> dict[str, str]:
    """The register number, VAT number and IBAN checked and stored in compact form.

    The IBAN is where refunds of a transfer are paid out, so a typo must not get through.
    """
    errors: dict[str, list[str]] = {}
    checked = dict(fields)
    try:
        checked["registration_number"] = normalise_registration(
            fields.get("country", ""), fields.get("registration_number", "")
        )
    except ValueError as exc:
        errors["registration_number"] = [str(exc)]
    if fields.get("vat_number"):
        try:
            checked["vat_number"] = eu_vat.validate(fields["vat_number"])
        except NumberError:
            errors["vat_number"] = [_("This is not a valid EU VAT number.")]
    if fields.get("iban"):
        try:
            checked["iban"] = iban_number.validate(fields["iban"])
        except NumberError:
            errors["iban"] = [_("This is not a valid IBAN.")]
    if errors:
        raise ValidationError(errors)
    return checked


def _refuse_duplicate_company(company: Company) -> None:
    """Said next to the register number, rather than as the constraint's generic message."""
    twins = Company.objects.filter(
        account_id=company.account_id,
        country=company.country,
        registration_number__iexact=company.registration_number,
    ).exclude(pk=company.pk)
    if twins.exists():
        raise ValidationError(
            {"registration_number": [_("This company is already in the account.")]}
        )


def company_create(*, account: Account, actor: User, **fields: str) -> Company:
    """Add a creditor company; its register number is checked and stored in compact form."""
    company = Company(account=account, **_checked_company_fields(fields))
    _refuse_duplicate_company(company)
    company.full_clean()
    company.save()
    return company


def company_update(*, account: Account, actor: User, company: Company, **fields: str) -> Company:
    """Change a company's details (an owner only), with the same checks as when it was added."""
    _require_owner(account=account, actor=actor)
    if company.account_id != account.pk:
        raise PermissionDenied(_("This company belongs to another account."))
    for name, value in _checked_company_fields(fields).items():
        setattr(company, name, value)
    _refuse_duplicate_company(company)
    company.full_clean()
    company.save()
    return company


def api_token_create(*, user: User, account: Account | None, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored nor shown again."""
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        account=account,
        name=name,
        prefix=secret[:TOKEN_PREFIX_LENGTH],
        token_hash=hash_token(secret),
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def invitation_create(
    *, account: Account, actor: User, email: str, role: Role | str, link_base: str
) -> tuple[Invitation, str]:
    """Invite a colleague by e-mail; return the invitation and the key of its link.

    The key is mailed and never stored (only its hash). A new invitation to the same address
    replaces the pending one, so only the latest link works. `link_base` is the scheme and host
    the link points at (the page's own, so the link works wherever the portal runs).
    """
    _require_owner(account=account, actor=actor)
    email = email.strip().lower()
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": [_("Invite as a member or a read-only member.")]})
    if Membership.objects.filter(account=account, user__email__iexact=email).exists():
        raise ValidationError({"email": [_("This person is already a member of the account.")]})
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        _pending_invitations(account=account, email=email).update(revoked_at=now)
        invitation = Invitation.objects.create(
            account=account,
            email=email,
            role=role,
            token_hash=hash_token(key),
            invited_by=actor,
            expires_at=now + INVITATION_VALIDITY,
        )
    link = link_base.rstrip("/") + reverse("creditors:invitation", kwargs={"key": key})
    _invitation_mail(invitation=invitation, link=link)
    return invitation, key


def _pending_invitations(*, account: Account, email: str) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        account=account,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def _invitation_mail(*, invitation: Invitation, link: str) -> None:
    """Written in the inviting owner's language (the one the page was in)."""
    context = {"invitation": invitation, "link": link, "validity_days": INVITATION_VALIDITY.days}
    subject = render_to_string("creditors/email/invitation_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("creditors/email/invitation_message.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


INVITATION_REFUSALS = {
    InvitationStatus.ACCEPTED: _lazy("This invitation has already been used."),
    InvitationStatus.REVOKED: _lazy("This invitation was withdrawn by the account owner."),
    InvitationStatus.EXPIRED: _lazy("This invitation has expired."),
}


def invitation_accept(*, invitation: Invitation, actor: User) -> Membership:
    """Join the invitation's account with its role. The link works once, for its address only.

    Someone already in the account keeps their role; the invitation is then used up all the same.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        status = invitation.status
        if status != InvitationStatus.PENDING:
            raise ValidationError(str(INVITATION_REFUSALS[status]), code=status)
        if actor.email.lower() != invitation.email.lower():
            raise ValidationError(
                _("This invitation was sent to %(email)s.") % {"email": invitation.email},
                code="other_address",
            )
        membership, _created = Membership.objects.get_or_create(
            account=invitation.account, user=actor, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_revoke(*, account: Account, actor: User, invitation: Invitation) -> None:
    _require_owner(account=account, actor=actor)
    if invitation.account_id != account.pk:
        raise PermissionDenied(_("This invitation belongs to another account."))
    Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _keep_an_owner(*, account: Account, membership: Membership) -> None:
    """An account always keeps an owner: the last one can be neither demoted nor removed.

    The owners are locked so that two owners demoting each other at once cannot both succeed.
    """
    if membership.role != Role.OWNER:
        return
    owners = list(Membership.objects.select_for_update().filter(account=account, role=Role.OWNER))
    if len(owners) <= 1:
        raise ValidationError(
            _("The account needs at least one owner: make someone else owner first."),
            code="last_owner",
        )


def membership_change_role(
    *, account: Account, actor: User, membership: Membership, role: Role | str
) -> Membership:
    _require_owner(account=account, actor=actor)
    if membership.account_id != account.pk:
        raise PermissionDenied(_("This person is in another account."))
    if role not in Role.values:
        raise ValidationError({"role": [_("Choose a valid role.")]})
    with transaction.atomic():
        if role != Role.OWNER:
            _keep_an_owner(account=account, membership=membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, account: Account, actor: User, membership: Membership) -> None:
    _require_owner(account=account, actor=actor)
    if membership.account_id != account.pk:
        raise PermissionDenied(_("This person is in another account."))
    with transaction.atomic():
        _keep_an_owner(account=account, membership=membership)
        membership.delete()
