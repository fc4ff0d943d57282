"""The creditor's dashboard: claims by state, money outstanding and recovered, and the recovery
rate per month as a chart drawn on the server (inline SVG, no JavaScript).

Reads only. Every figure is one aggregate query over the account (optionally one company), so
the page costs the same number of queries for ten claims or ten thousand.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, DateField, DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from claims.models import Claim, Invoice
from claims.selectors import action_needed
from claims.states import TERMINAL, State
from creditors.models import Account, Company
from creditors.selectors import current_company, membership_required
from fees.models import LedgerAccount, LedgerEntry, LedgerTransaction

ZERO = Decimal("0.00")
MONTHS = 12

# Claims by state, grouped in plain words, in the order a claim goes through them.
STATE_GROUPS: tuple[tuple[str, Promise, tuple[State, ...]], ...] = (
    ("drafts", _("Drafts"), (State.DRAFT,)),
    ("advance", _("Awaiting the advance"), (State.SUBMITTED, State.AWAITING_ADVANCE)),
    ("review", _("Being checked"), (State.IN_REVIEW, State.ACCEPTED)),
    ("bailiff", _("With the bailiff"), (State.WITH_BAILIFF, State.SOLVENCY_DOUBTFUL)),
    (
        "window",
        _("In the one-month window"),
        (State.SUMMONS_SERVED, State.FACILITIES_GRANTED, State.READY_FOR_PV),
    ),
    (
        "after_pv",
        _("After the PV"),
        (State.PV_DRAWN, State.TITLE_REQUESTED, State.ENFORCEABLE, State.ENFORCEMENT),
    ),
    ("paid", _("Paid"), (State.PAID,)),
    ("unpaid", _("Closed unpaid"), (State.CONTESTED, State.DEBTOR_INSOLVENT, State.IRRECOVERABLE)),
    ("stopped", _("Rejected or cancelled"), (State.REJECTED, State.CANCELLED)),
)
# In progress: submitted and not closed (drafts are not claims yet).
OPEN_STATES = frozenset(State) - TERMINAL - {State.DRAFT}


# --- Selectors -------------------------------------------------------------------------------


def _claims(account: Account, company: Company | None) -> QuerySet[Claim]:
    claims = Claim.objects.filter(account=account)
    return claims.filter(company=company) if company is not None else claims


def _invoices(account: Account, company: Company | None) -> QuerySet[Invoice]:
    invoices = Invoice.objects.filter(account=account, claim__account=account)
    return invoices.filter(claim__company=company) if company is not None else invoices


def _ledger(account: Account, company: Company | None) -> QuerySet[LedgerEntry]:
    entries = LedgerEntry.objects.filter(account=account, claim__account=account)
    return entries.filter(claim__company=company) if company is not None else entries


def _money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


_AMOUNT = DecimalField(max_digits=14, decimal_places=2)
# Money the debtor paid: through us (credited to the creditor) or directly (memo on "claimed").
_COLLECTED = Sum(
    "amount",
    filter=Q(
        transaction__kind=LedgerTransaction.Kind.DEBTOR_PAYMENT,
        ledger_account=LedgerAccount.CREDITOR,
    ),
    output_field=_AMOUNT,
)
_DIRECT = Sum(
    "amount",
    filter=Q(
        transaction__kind=LedgerTransaction.Kind.DIRECT_PAYMENT,
        ledger_account=LedgerAccount.CLAIMED,
    ),
    output_field=_AMOUNT,
)
_CLAIMED = Sum(F("amount") - F("credit_notes"), output_field=_AMOUNT)


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class StateGroup:
    key: str
    label: str
    count: int
    states: list[StateCount]


def claims_by_state(*, account: Account, company: Company | None = None) -> list[StateGroup]:
    """How many claims are in each state, grouped in plain words (one query)."""
    rows = _claims(account, company).values("state").annotate(n=Count("id")).order_by()
    counts = {row["state"]: row["n"] for row in rows}
    return [
        StateGroup(
            key,
            str(label),
            sum(counts.get(state, 0) for state in states),
            [StateCount(state, str(state.label), counts.get(state, 0)) for state in states],
        )
        for key, label, states in STATE_GROUPS
    ]


def action_needed_count(*, account: Account, company: Company | None = None) -> int:
    return _claims(account, company).filter(action_needed()).count()


@dataclass(frozen=True)
class Amounts:
    outstanding: Decimal  # invoice totals of the claims in progress
    open_claims: int
    collected: Decimal  # collected through the procedure, for the creditor
    direct: Decimal  # paid to the creditor directly, as reported
    recovered: Decimal


def dashboard_amounts(*, account: Account, company: Company | None = None) -> Amounts:
    """Outstanding (claims in progress) and recovered (from the ledger): two queries."""
    open_invoices = _invoices(account, company).filter(claim__state__in=OPEN_STATES)
    outstanding = open_invoices.aggregate(total=_CLAIMED, claims=Count("claim", distinct=True))
    paid = _ledger(account, company).aggregate(collected=_COLLECTED, direct=_DIRECT)
    collected, direct = -_money(paid["collected"]), _money(paid["direct"])
    return Amounts(
        outstanding=_money(outstanding["total"]),
        open_claims=outstanding["claims"],
        collected=collected,
        direct=direct,
        recovered=collected + direct,
    )


@dataclass(frozen=True)
class MonthRecovery:
    month: date  # the first day of the month
    claimed: Decimal
    recovered: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Recovered per euro claimed, in per cent; None for a month without claims."""
        if self.claimed <= 0:
            return None
        return (self.recovered * 100 / self.claimed).quantize(Decimal("0.1"))


def _month_starts(today: date, months: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _index in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def recovery_by_month(
    *, account: Account, company: Company | None = None, today: date, months: int = MONTHS
) -> list[MonthRecovery]:
    """Per month of submission (the last `months`, oldest first): what those claims claimed and
    what has been recovered on them since. Rejected claims never entered the procedure and are
    left out. Two queries."""
    starts = _month_starts(today, months)
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    cohort = Q(claim__submitted_at__gte=since) & ~Q(claim__state=State.REJECTED)
    month = TruncMonth("claim__submitted_at", output_field=DateField())  # in Europe/Brussels
    claimed_rows = (
        _invoices(account, company)
        .filter(cohort)
        .annotate(month=month)
        .values("month")
        .annotate(total=_CLAIMED)
        .order_by()
    )
    paid_rows = (
        _ledger(account, company)
        .filter(cohort)
        .annotate(month=month)
        .values("month")
        .annotate(collected=_COLLECTED, direct=_DIRECT)
        .order_by()
    )
    claimed = {row["month"]: _money(row["total"]) for row in claimed_rows}
    recovered = {
        row["month"]: _money(row["direct"]) - _money(row["collected"]) for row in paid_rows
    }
    return [MonthRecovery(m, claimed.get(m, ZERO), recovered.get(m, ZERO)) for m in starts]


# --- The chart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    month: MonthRecovery
    x: float
    y: float
    width: float
    height: float
    centre: float  # where the month and the value are written
    value_y: float


@dataclass(frozen=True)
class Chart:
    """Geometry of the bar chart (the template draws it): one bar per month, 0–`top` %."""

    width: int
    height: int
    left: int  # the plot's left edge; the percent labels end just before it
    bottom: int  # the base line
    top: int  # the highest percent on the axis (100, or more when a month recovered more)
    bars: list[Bar]
    ticks: list[tuple[int, float]]  # (percent, y)

    @property
    def label_x(self) -> int:
        return self.left - 6

    @property
    def month_y(self) -> int:
        return self.height - 8


def recovery_chart(months: list[MonthRecovery], *, width: int = 640, height: int = 240) -> Chart:
    left, right, above, below = 44, 8, 16, 28
    plot_width, plot_height = width - left - right, height - above - below
    rates = [m.rate for m in months if m.rate is not None]
    # Interest and damages can bring a month above 100 %: the axis then grows by quarters.
    top = max(100, int((max(rates, default=Decimal(0)) + 24) // 25 * 25))

    def y_of(percent: Decimal | int) -> float:
        return round(above + plot_height * (1 - float(percent) / top), 1)

    step = plot_width / max(len(months), 1)
    bars = []
    for index, month in enumerate(months):
        x, y = left + index * step, y_of(month.rate or 0)
        bars.append(
            Bar(
                month,
                x=round(x + step * 0.15, 1),
                y=y,
                width=round(step * 0.7, 1),
                height=round(height - below - y, 1),
                centre=round(x + step / 2, 1),
                value_y=round(y - 4, 1),
            )
        )
    ticks = [(p, y_of(p)) for p in range(0, top + 1, 25)]
    return Chart(width, height, left, height - below, top, bars, ticks)


# --- The page --------------------------------------------------------------------------------


@login_required
@require_safe
def dashboard_view(request: HttpRequest) -> HttpResponse:
    membership = membership_required(request)
    account = membership.account
    company = current_company(request, membership)
    months = recovery_by_month(account=account, company=company, today=timezone.localdate())
    context = {
        "membership": membership,
        "company": company,
        "groups": claims_by_state(account=account, company=company),
        "action_needed": action_needed_count(account=account, company=company),
        "amounts": dashboard_amounts(account=account, company=company),
        "months": months,
        "chart": recovery_chart(months),
    }
    return render(request, "claims/dashboard.html", context)
