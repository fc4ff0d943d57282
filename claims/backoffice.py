"""Back-office pages: the review queue and the decisions staff take on a claim."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import eligibility
from claims.selectors import review_claim_get, review_queue
from claims.services import claim_accept, claim_override_finding, claim_reject
from claims.states import TransitionNotAllowed
from creditors.models import User
from fees.selectors import commercial_rate_missing


def staff_user(request: HttpRequest) -> User:
    """The staff user of the request; anyone else is told the page does not exist."""
    user = request.user
    if not (isinstance(user, User) and user.is_staff):
        raise Http404("Not found.")
    return user


def findings(reasons: list[dict[str, object]]) -> list[dict[str, object]]:
    """Stored findings with their message in the reader's language."""
    rendered = []
    for finding in reasons:
        code = str(finding.get("code", ""))
        params = finding.get("params") or {}
        assert isinstance(params, dict)
        known = code in eligibility.REASONS
        message = eligibility.Reason(code, params).message if known else code
        blocking = eligibility.REASONS[code][0] if known else False
        rendered.append({**finding, "message": message, "blocking": blocking})
    return rendered


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    staff_user(request)
    context = {
        "claims": review_queue(),
        "rate_missing": commercial_rate_missing(timezone.localdate()),
    }
    return render(request, "backoffice/review_list.html", context)


@login_required
def review_detail(request: HttpRequest, code: str) -> HttpResponse:
    staff = staff_user(request)
    claim = review_claim_get(code=code)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        try:
            if action == "accept":
                claim_accept(account=claim.account, actor=staff, claim=claim, reason=reason)
            elif action == "reject":
                claim_reject(account=claim.account, actor=staff, claim=claim, reason=reason)
            elif action == "override":
                claim_override_finding(account=claim.account, actor=staff, claim=claim,
                                       code=request.POST.get("code", ""), note=reason)  # fmt: skip
            else:
                errors = {"action": [_("Choose accept, reject or set aside.")]}
            if not errors:
                return redirect("backoffice:review-detail", code=claim.code)
        except ValidationError as exc:
            errors = exc.message_dict
        except TransitionNotAllowed as exc:
            errors = {"action": [str(exc)]}
    context = {
        "claim": claim,
        "findings": findings(claim.eligibility_reasons),
        "errors": errors,
        "posted": request.POST,
    }
    return render(request, "backoffice/review_detail.html", context, status=400 if errors else 200)
