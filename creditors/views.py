"""Account pages: choosing the account a user acts in."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from creditors.models import User
from creditors.selectors import SESSION_ACCOUNT_KEY, membership_get


@login_required
@require_POST
def account_switch(request: HttpRequest) -> HttpResponseRedirect:
    """Act in another of the user's accounts; an account the user is not in does not exist."""
    user = request.user
    assert isinstance(user, User)
    raw = request.POST.get("account", "")
    membership = membership_get(user=user, account_id=int(raw)) if raw.isdigit() else None
    if membership is None:
        raise Http404("No such account.")
    request.session[SESSION_ACCOUNT_KEY] = membership.account_id
    return redirect("claims:list")
