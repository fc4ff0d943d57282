"""Back-office pages for money: transfers to confirm and payouts to make."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from claims.backoffice import staff_user
from fees.models import Payment, Refund
from fees.selectors import commercial_rate_missing
from fees.services import payment_confirm_transfer, refund_confirm_payout


@login_required
def money_queue(request: HttpRequest) -> HttpResponse:
    """Transfers awaiting confirmation (matched by structured reference) and payouts to make."""
    staff = staff_user(request)
    errors: list[str] = []
    if request.method == "POST":
        try:
            _confirm(request, staff)
            return redirect("backoffice:money")
        except (ValidationError, Payment.DoesNotExist, Refund.DoesNotExist) as exc:
            errors = getattr(exc, "messages", [str(exc)])
    context = {
        "payments": Payment.objects.filter(
            method=Payment.Method.TRANSFER, state=Payment.State.PENDING
        )
        .select_related("claim", "claim__company")
        .order_by("created_at"),
        "refunds": Refund.objects.filter(method=Payment.Method.TRANSFER, state=Refund.State.CREATED)
        .select_related("claim", "claim__company")
        .order_by("created_at"),
        "errors": errors,
        "rate_missing": commercial_rate_missing(timezone.localdate()),
    }
    return render(request, "backoffice/money.html", context, status=400 if errors else 200)


def _confirm(request: HttpRequest, staff: object) -> None:
    from creditors.models import User

    assert isinstance(staff, User)
    if "payment" in request.POST:
        payment = Payment.objects.get(pk=int(request.POST["payment"]))
        payment_confirm_transfer(actor=staff, payment=payment)
    elif "refund" in request.POST:
        refund = Refund.objects.get(pk=int(request.POST["refund"]))
        refund_confirm_payout(actor=staff, refund=refund)
    else:
        raise Http404("Nothing to confirm.")
