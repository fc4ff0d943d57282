"""The IOS steps of a claim, done or coming, for the creditor's timeline (read-only)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, ClaimEvent
from claims.states import ActorKind
from notifications.events import INTERNAL, event_words

# (label, the event that marks the step done)
STEPS: tuple[tuple[Promise, str], ...] = (
    (_("Submitted"), "submit"),
    (_("Accepted"), "accept_on_payment"),
    (_("With the bailiff"), "hand_off"),
    (_("Summons served"), "serve_summons"),
    (_("Ready for the PV"), "window_elapsed"),
    (_("PV of non-contestation drawn"), "draw_pv"),
    (_("Enforceable title"), "grant_title"),
)


@dataclass(frozen=True)
class Step:
    label: str
    done_on: date | None
    due_on: date | None


@dataclass(frozen=True)
class Window:
    """The month after service and the wait for the PV, with today's place on it (0-100 %)."""

    served_on: date
    month_ends_on: date
    pv_earliest_on: date
    month_percent: int
    today_percent: int


def claim_timeline(claim: Claim) -> list[Step]:
    """Each step with the day it was done (from the event log) or the day it is due."""
    done: dict[str, date] = {}
    for event in claim.events.all():  # prefetched by the selector
        done.setdefault(event.name, timezone.localdate(event.created_at))
    if "accept" in done:  # accepted by a person after a review
        done.setdefault("accept_on_payment", done["accept"])
    due = {
        "hand_off": None,
        "serve_summons": timezone.localdate(claim.service_due_at) if claim.service_due_at else None,
        "window_elapsed": claim.pv_earliest_on,
    }
    return [Step(str(label), done.get(name), due.get(name)) for label, name in STEPS]


def claim_window(claim: Claim, today: date | None = None) -> Window | None:
    if not (claim.served_on and claim.month_ends_on and claim.pv_earliest_on):
        return None
    today = today or timezone.localdate()
    length = max((claim.pv_earliest_on - claim.served_on).days, 1)

    def percent(day: date) -> int:
        return max(0, min(100, round(100 * (day - claim.served_on).days / length)))  # type: ignore[operator]

    return Window(
        claim.served_on,
        claim.month_ends_on,
        claim.pv_earliest_on,
        percent(claim.month_ends_on),
        percent(today),
    )


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    words: str
    from_label: str
    to_label: str
    moved: bool
    who: str
    reason: str


def _who(event: ClaimEvent) -> str:
    if event.actor is not None:
        return event.actor.email
    return str(ACTOR_WORDS.get(event.actor_kind, ""))


ACTOR_WORDS: dict[str, Promise] = {
    ActorKind.SYSTEM: _("the platform"),
    ActorKind.BAILIFF: _("the bailiff office"),
    ActorKind.STAFF: _("our team"),
    ActorKind.CREDITOR: _("your team"),
}


def claim_history(claim: Claim) -> list[HistoryLine]:
    """The events in the creditor's words; the back office's own bookkeeping is left out."""
    return [
        HistoryLine(
            at=event.created_at,
            words=event_words(event.name),
            from_label=event.get_from_state_display(),
            to_label=event.get_to_state_display(),
            moved=event.from_state != event.to_state,
            who=_who(event),
            # A person's words as written; the platform's own notes are English bookkeeping.
            reason=event.reason if event.actor is not None else "",
        )
        for event in claim.events.all()
        if event.name not in INTERNAL
    ]
