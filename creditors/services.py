"""Writes about accounts, memberships, companies and API tokens."""

import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from creditors.models import Account, ApiToken, Company, Membership, Role, User
from debtors.identifiers import normalise_registration

TOKEN_PREFIX_LENGTH = 8


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


def company_create(*, account: Account, actor: User, **fields: str) -> Company:
    """Add a creditor company; its register number is checked and stored in compact form."""
    try:
        fields["registration_number"] = normalise_registration(
            fields.get("country", ""), fields.get("registration_number", "")
        )
    except ValueError as exc:
        raise ValidationError({"registration_number": [str(exc)]}) from exc
    company = Company(account=account, **fields)
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
