"""Account pages: the team, invitations, companies, security, and what the user acts under."""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from creditors.forms import SESSION_INVITATION_KEY, CompanyForm, InvitationForm
from creditors.models import Invitation, InvitationStatus, Membership, Role, User
from creditors.selectors import (
    SESSION_ACCOUNT_KEY,
    SESSION_COMPANY_KEY,
    companies_of,
    company_get,
    invitation_by_key,
    invitation_get,
    invitations_pending,
    members_of,
    membership_get,
    membership_of_account,
    membership_required,
)
from creditors.services import (
    INVITATION_REFUSALS,
    company_create,
    company_update,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _owner_or_403(request: HttpRequest) -> Membership:
    membership = membership_required(request)
    if membership.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner of the account can do this."))
    return membership


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on, if it is one of ours."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(default)


@login_required
@require_POST
def account_switch(request: HttpRequest) -> HttpResponseRedirect:
    """Act in another of the user's accounts; an account the user is not in does not exist.

    The company chosen belongs to the account left behind, so the choice goes back to "all".
    """
    raw = request.POST.get("account", "")
    membership = membership_get(user=_user(request), account_id=int(raw)) if raw.isdigit() else None
    if membership is None:
        raise Http404("No such account.")
    request.session[SESSION_ACCOUNT_KEY] = membership.account_id
    request.session.pop(SESSION_COMPANY_KEY, None)
    return redirect("home")


@login_required
@require_POST
def company_switch(request: HttpRequest) -> HttpResponseRedirect:
    """Work for one company of the account (or all of them: an empty choice)."""
    membership = membership_required(request)
    raw = request.POST.get("company", "")
    if raw:
        company = company_get(account=membership.account, company_id=raw)
        request.session[SESSION_COMPANY_KEY] = company.pk
    else:
        request.session.pop(SESSION_COMPANY_KEY, None)
    return _back(request, "home")


# --- team ---------------------------------------------------------------------------------


def _team_page(
    request: HttpRequest, membership: Membership, form: InvitationForm | None = None
) -> HttpResponse:
    is_owner = membership.role == Role.OWNER
    context = {
        "membership": membership,
        "members": members_of(account=membership.account),
        "is_owner": is_owner,
        "invitations": invitations_pending(account=membership.account) if is_owner else [],
        "form": form or InvitationForm(),
        "roles": Role.choices,
    }
    return render(request, "creditors/team.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    return _team_page(request, membership_required(request))


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    membership = _owner_or_403(request)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation_create(
                account=membership.account,
                actor=_user(request),
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                link_base=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("creditors:team")
    return _team_page(request, membership, form)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest) -> HttpResponseRedirect:
    membership = _owner_or_403(request)
    invitation = invitation_get(
        account=membership.account, invitation_id=request.POST.get("invitation")
    )
    invitation_revoke(account=membership.account, actor=_user(request), invitation=invitation)
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {
        "email": invitation.email
    })  # fmt: skip
    return redirect("creditors:team")


@login_required
@require_POST
def change_role(request: HttpRequest) -> HttpResponseRedirect:
    membership = _owner_or_403(request)
    other = membership_of_account(
        account=membership.account, membership_id=request.POST.get("membership")
    )
    role = request.POST.get("role", "")
    try:
        membership_change_role(
            account=membership.account,
            actor=_user(request),
            membership=other,
            role=role,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(email)s is now %(role)s.") % {
            "email": other.user.email, "role": Role(role).label
        })  # fmt: skip
    return redirect("creditors:team")


@login_required
@require_POST
def remove_member(request: HttpRequest) -> HttpResponseRedirect:
    membership = _owner_or_403(request)
    other = membership_of_account(
        account=membership.account, membership_id=request.POST.get("membership")
    )
    try:
        membership_remove(account=membership.account, actor=_user(request), membership=other)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("creditors:team")
    messages.success(request, _("%(email)s has left the account.") % {"email": other.user.email})
    if other.user_id == request.user.pk:  # left on their own: the account is no longer theirs
        request.session.pop(SESSION_ACCOUNT_KEY, None)
        request.session.pop(SESSION_COMPANY_KEY, None)
        return redirect("home")
    return redirect("creditors:team")


# --- invitation links ---------------------------------------------------------------------


def _invitation_page(
    request: HttpRequest, invitation: Invitation | None, status: int = 200, **extra: object
) -> HttpResponse:
    context = {"invitation": invitation, **extra}
    return render(request, "creditors/invitation.html", context, status=status)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    """The link in an invitation mail.

    A visitor without a login is sent to sign up (the address filled in, and known good: the
    link reached it) or, if the address has a login, to log in and come back here. A logged-in
    user with the invited address joins with one click.
    """
    found = invitation_by_key(key=key)
    if found is None:
        return _invitation_page(request, None, status=404, refusal=_("This link is not valid."))
    if found.status != InvitationStatus.PENDING:
        return _invitation_page(
            request, found, status=410, refusal=INVITATION_REFUSALS[found.status]
        )
    if not request.user.is_authenticated:
        return _visitor_to_login_or_signup(request, found, key)
    user = _user(request)
    if user.email.lower() != found.email.lower():
        return _invitation_page(request, found, status=403, other_address=True)
    if request.method == "POST":
        return _accept(request, found, user)
    already = Membership.objects.filter(account=found.account, user=user).exists()
    return _invitation_page(request, found, already_member=already)


def _visitor_to_login_or_signup(
    request: HttpRequest, found: Invitation, key: str
) -> HttpResponseRedirect:
    if User.objects.filter(email__iexact=found.email).exists():
        query = urlencode({"next": request.path})
        return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
    request.session[SESSION_INVITATION_KEY] = key
    get_adapter(request).stash_verified_email(request, found.email)
    return redirect("account_signup")


def _accept(request: HttpRequest, found: Invitation, user: User) -> HttpResponse:
    try:
        membership = invitation_accept(invitation=found, actor=user)
    except ValidationError as exc:
        return _invitation_page(request, found, status=410, refusal=" ".join(exc.messages))
    request.session[SESSION_ACCOUNT_KEY] = membership.account_id
    request.session.pop(SESSION_COMPANY_KEY, None)
    messages.success(request, _("Welcome to %(account)s.") % {"account": membership.account.name})
    return redirect("home")


# --- companies ----------------------------------------------------------------------------


def _save_company(request: HttpRequest, membership: Membership, form: CompanyForm) -> bool:
    """Through the services, whose findings (a bad register number, IBAN) go next to the field."""
    if not form.is_valid():
        return False
    fields = {name: form.cleaned_data[name] for name in CompanyForm.Meta.fields}
    try:
        if form.instance.pk is None:
            company_create(account=membership.account, actor=_user(request), **fields)
        else:
            company_update(
                account=membership.account, actor=_user(request), company=form.instance, **fields
            )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def companies(request: HttpRequest) -> HttpResponse:
    membership = membership_required(request)
    is_owner = membership.role == Role.OWNER
    form = CompanyForm()
    if request.method == "POST":
        _owner_or_403(request)
        form = CompanyForm(request.POST)
        if _save_company(request, membership, form):
            messages.success(request, _("Company added."))
            return redirect("creditors:companies")
    context = {
        "membership": membership,
        "companies": companies_of(account=membership.account),
        "is_owner": is_owner,
        "form": form if is_owner else None,
    }
    return render(request, "creditors/companies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest) -> HttpResponse:
    """`?company=<id>` (the form posts it back): one of the account's companies, owners only."""
    membership = _owner_or_403(request)
    raw = request.POST.get("company") if request.method == "POST" else request.GET.get("company")
    company = company_get(account=membership.account, company_id=raw)
    form = CompanyForm(instance=company)
    if request.method == "POST":
        form = CompanyForm(request.POST, instance=company)
        if _save_company(request, membership, form):
            messages.success(request, _("Company saved."))
            return redirect("creditors:companies")
    return render(request, "creditors/company_edit.html", {"form": form, "company": company})


# --- security -----------------------------------------------------------------------------


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own login: e-mail addresses, password, two-factor authentication."""
    user = _user(request)
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    context = {
        "addresses": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "totp_active": Authenticator.Type.TOTP in kinds,
        "recovery_codes_active": Authenticator.Type.RECOVERY_CODES in kinds,
    }
    return render(request, "creditors/security.html", context)
