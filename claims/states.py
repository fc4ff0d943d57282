"""The one declared state machine of a claim (dossier), following domain.md sections 1–2.

Every state change goes through `claims.services.claim_transition`, which looks the transition up
here, checks the source state and the kind of actor, and writes the event row. The diagram in
docs/state-machine.md is generated from this module (`manage.py state_diagram --write`).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_ADVANCE = "awaiting_advance", _("Awaiting advance")
    IN_REVIEW = "in_review", _("In review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITH_BAILIFF = "with_bailiff", _("With the bailiff")
    SOLVENCY_DOUBTFUL = "solvency_doubtful", _("Solvency doubtful")
    SUMMONS_SERVED = "summons_served", _("Summons served")
    FACILITIES_GRANTED = "facilities_granted", _("Payment facilities granted")
    READY_FOR_PV = "ready_for_pv", _("Ready for the PV")
    PV_DRAWN = "pv_drawn", _("PV of non-contestation drawn")
    TITLE_REQUESTED = "title_requested", _("Title requested")
    ENFORCEABLE = "enforceable", _("Enforceable title")
    ENFORCEMENT = "enforcement", _("Enforcement")
    PAID = "paid", _("Paid")
    CONTESTED = "contested", _("Contested")
    DEBTOR_INSOLVENT = "debtor_insolvent", _("Debtor insolvent")
    CANCELLED = "cancelled", _("Cancelled")
    IRRECOVERABLE = "irrecoverable", _("Irrecoverable")


TERMINAL: frozenset[State] = frozenset(
    {
        State.REJECTED,
        State.PAID,
        State.CONTESTED,
        State.DEBTOR_INSOLVENT,
        State.CANCELLED,
        State.IRRECOVERABLE,
    }
)

# States in which a bailiff office holds the dossier.
WITH_OFFICE: frozenset[State] = frozenset(
    {
        State.WITH_BAILIFF,
        State.SOLVENCY_DOUBTFUL,
        State.SUMMONS_SERVED,
        State.FACILITIES_GRANTED,
        State.READY_FOR_PV,
        State.PV_DRAWN,
        State.TITLE_REQUESTED,
        State.ENFORCEABLE,
        State.ENFORCEMENT,
    }
)


class ActorKind(StrEnum):
    CREDITOR = "creditor"
    STAFF = "staff"
    BAILIFF = "bailiff"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[State]
    target: State
    actors: frozenset[ActorKind]
    description: str


_C, _S, _B, _Y = ActorKind.CREDITOR, ActorKind.STAFF, ActorKind.BAILIFF, ActorKind.SYSTEM
OPEN_BEFORE_SERVICE = frozenset(
    {
        State.DRAFT,
        State.SUBMITTED,
        State.AWAITING_ADVANCE,
        State.IN_REVIEW,
        State.ACCEPTED,
        State.WITH_BAILIFF,
        State.SOLVENCY_DOUBTFUL,
    }
)
IN_WINDOW = frozenset({State.SUMMONS_SERVED, State.FACILITIES_GRANTED, State.READY_FOR_PV})
AFTER_PV = frozenset({State.PV_DRAWN, State.TITLE_REQUESTED, State.ENFORCEABLE, State.ENFORCEMENT})
# Once the advance is asked for, the debtor may pay (directly or through the bailiff) any time.
PAYABLE = (OPEN_BEFORE_SERVICE - {State.DRAFT, State.SUBMITTED}) | IN_WINDOW | AFTER_PV


def _t(
    name: str, sources: set[State], target: State, actors: set[ActorKind], description: str
) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(actors), description)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", {State.DRAFT}, State.SUBMITTED, {_C}, "creditor submits; eligibility runs"),
        _t("request_advance", {State.SUBMITTED}, State.AWAITING_ADVANCE, {_Y, _S},
           "eligible or to review: the creditor pays the advance"),
        _t("reject", {State.SUBMITTED, State.IN_REVIEW}, State.REJECTED, {_Y, _S},
           "ineligible; after payment the advance is refunded in full"),
        _t("accept_on_payment", {State.AWAITING_ADVANCE}, State.ACCEPTED, {_Y, _S},
           "advance received, every check passed"),
        _t("review_on_payment", {State.AWAITING_ADVANCE}, State.IN_REVIEW, {_Y, _S},
           "advance received, a check needs a person"),
        _t("accept", {State.IN_REVIEW}, State.ACCEPTED, {_S}, "back office accepts"),
        _t("hand_off", {State.ACCEPTED}, State.WITH_BAILIFF, {_Y, _S},
           "assigned to the competent bailiff office"),
        _t("solvency_doubtful", {State.WITH_BAILIFF}, State.SOLVENCY_DOUBTFUL, {_B},
           "solvency score below the threshold: the creditor decides"),
        _t("continue_at_own_risk", {State.SOLVENCY_DOUBTFUL}, State.WITH_BAILIFF, {_C},
           "creditor continues despite the doubtful solvency"),
        _t("stop_after_solvency", {State.SOLVENCY_DOUBTFUL}, State.IRRECOVERABLE, {_C},
           "creditor stops: certificate of irrecoverability"),
        _t("serve_summons", {State.WITH_BAILIFF}, State.SUMMONS_SERVED, {_B},
           "summons to pay served (art. 1394/21): the one-month window starts"),
        _t("grant_facilities", {State.SUMMONS_SERVED}, State.FACILITIES_GRANTED, {_C, _B},
           "payment facilities granted: the window is suspended"),
        _t("miss_instalment", {State.FACILITIES_GRANTED}, State.SUMMONS_SERVED, {_C, _B, _Y},
           "an instalment is missed: the window resumes where it stood"),
        _t("window_elapsed", {State.SUMMONS_SERVED}, State.READY_FOR_PV, {_Y},
           "00:00 Europe/Brussels on the earliest PV day"),
        _t("draw_pv", {State.READY_FOR_PV}, State.PV_DRAWN, {_B},
           "PV of non-contestation drawn at the creditor's request"),
        _t("request_title", {State.PV_DRAWN}, State.TITLE_REQUESTED, {_B, _S},
           "PV sent to the Central File for the enforceable title"),
        _t("grant_title", {State.TITLE_REQUESTED}, State.ENFORCEABLE, {_B, _S},
           "a magistrate declared the PV enforceable (art. 1394/25)"),
        _t("start_enforcement", {State.ENFORCEABLE}, State.ENFORCEMENT, {_B},
           "enforcement with the creditor's consent to its costs"),
        _t("record_payment", set(PAYABLE), State.PAID, {_C, _B, _S}, "the debtor paid everything"),
        _t("contest", set(IN_WINDOW), State.CONTESTED, {_B, _S},
           "the debtor contested on the answer form: the IOS ends"),
        _t("debtor_insolvent", set(OPEN_BEFORE_SERVICE - {State.DRAFT}) | IN_WINDOW | AFTER_PV,
           State.DEBTOR_INSOLVENT, {_Y, _S, _B},
           "bankruptcy or reorganisation of the debtor stops the procedure"),
        _t("cancel", set(OPEN_BEFORE_SERVICE) | set(IN_WINDOW), State.CANCELLED, {_C, _S},
           "the creditor stops the procedure"),
        _t("enforcement_failed", {State.ENFORCEMENT}, State.IRRECOVERABLE, {_B},
           "nothing to seize: certificate of irrecoverability"),
    ]
}  # fmt: skip

# Events that record something without moving the claim (from == to).
NOTES: dict[str, str] = {
    "solvency_checked": "solvency check recorded, score at or above the threshold",
    "acceptance_sla_breached": "not accepted within the working-hour acceptance SLA",
    "service_sla_breached": "summons not served within the working-day service SLA",
    "document_added": "a document was added to the dossier",
    "document_removed": "the creditor took a file off the draft",
    "finding_overridden": "staff set aside a finding that asked for a review",
    "flagged_for_review": "the register changed: staff should look at the claim again",
    "summons_manner": "how the summons was served",
    "debtor_paid": "the debtor paid (part of) the claim through the bailiff",
    "facilities_requested": "the debtor asked for payment facilities",
    "facilities_declined": "the creditor declined the payment facilities",
    "pv_requested": "the creditor asked for the PV of non-contestation",
    "enforcement_step": "an enforcement step and its cost",
    "paid_out": "money paid out to the creditor",
    "office_not_reached": "the office's webhook failed: staff must tell the office",
    "reassigned": "staff moved the claim to another office",
    "no_office": "no office covers the debtor's postal code: staff must assign one",
    "direct_payment_reported": "the creditor reported a payment received directly",
}


class TransitionNotAllowed(Exception):
    """An illegal move: nothing was changed."""


def transition_get(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError as exc:
        raise TransitionNotAllowed(f"Unknown transition {name!r}.") from exc


def allowed_transitions(state: State | str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def mermaid_diagram() -> str:
    """The machine as a Mermaid state diagram, in declaration order (stable output)."""
    lines = ["stateDiagram-v2", "    direction TB"]
    lines += [f"    {s.value}: {s.label}" for s in State]
    lines.append(f"    [*] --> {State.DRAFT.value}")
    for transition in TRANSITIONS.values():
        actors = "/".join(sorted(a.value for a in transition.actors))
        for source in State:
            if source in transition.sources:
                lines.append(
                    f"    {source.value} --> {transition.target.value}: "
                    f"{transition.name} ({actors})"
                )
    lines += [f"    {s.value} --> [*]" for s in State if s in TERMINAL]
    return "\n".join(lines) + "\n"
