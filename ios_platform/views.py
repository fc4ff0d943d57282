from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect

from bailiffs.selectors import is_office_member
from claims.models import SweepRun
from creditors.models import User
from creditors.selectors import current_membership


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; says when the deadline sweep last ran."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure here means "not healthy", whatever its kind
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    last = SweepRun.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
    return JsonResponse(
        {
            "status": "ok",
            "database": connection.vendor,
            "last_sweep_at": last.isoformat() if last else None,
        }
    )


def home(request: HttpRequest) -> HttpResponseRedirect:
    """Each kind of user starts where their work is."""
    user = request.user
    if not isinstance(user, User):
        return redirect("account_login")
    if current_membership(request) is not None:
        return redirect("dashboard")
    if is_office_member(user=user):
        return redirect("bailiffs:queue")
    if user.is_staff:
        return redirect("backoffice:review-list")
    return redirect("creditors:security")
