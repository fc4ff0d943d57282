from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect

from claims.models import SweepRun


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
    return redirect("claims:list")
