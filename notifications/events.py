"""Which claim events reach the creditor, and how they are said in plain words.

Event names come from claims/states.py (TRANSITIONS and NOTES); a test checks every name here
exists there, so a renamed event cannot silently stop its e-mails.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventMessage:
    """An e-mail about one event: the subject, what happened and what the creditor may do."""

    subject: Promise  # formatted with %(code)s
    happened: Promise
    next_step: Promise


# Events that need the creditor (a decision, a right that opens, or the end of the procedure):
# owners and members get one e-mail each; read-only members read them in the digest.
NOTIFIED: dict[str, EventMessage] = {
    "reject": EventMessage(
        _("Claim %(code)s was rejected"),
        _("The claim does not meet the conditions of the IOS procedure and was rejected."),
        _("The claim page says why; an advance you paid is refunded in full."),
    ),
    "solvency_doubtful": EventMessage(
        _("Claim %(code)s: the debtor's solvency is doubtful"),
        _("The bailiff's solvency check found the debtor's solvency doubtful."),
        _(
            "Decide on the claim page: continue at your own risk, or stop and receive the "
            "refund and a certificate of irrecoverability."
        ),
    ),
    "facilities_requested": EventMessage(
        _("Claim %(code)s: the debtor asks for payment facilities"),
        _("The debtor asked for a payment plan."),
        _("Accept or decline the proposed plan on the claim page."),
    ),
    "window_elapsed": EventMessage(
        _("Claim %(code)s: you can ask for the PV"),
        _("The month after the summons and the wait after it are over without a contest."),
        _("Ask the bailiff office to draw the PV of non-contestation on the claim page."),
    ),
    "contest": EventMessage(
        _("Claim %(code)s was contested"),
        _("The debtor contested the claim on the answer form: the IOS procedure ends here."),
        _("The claim page shows what is refunded; the debt can still be brought to court."),
    ),
    "record_payment": EventMessage(
        _("Claim %(code)s is paid"),
        _("The debtor paid the claim in full."),
        _("The claim page shows the money overview: what was collected and paid out to you."),
    ),
    "debtor_insolvent": EventMessage(
        _("Claim %(code)s stopped: the debtor is insolvent"),
        _("The debtor is bankrupt or in judicial reorganisation, which stops the procedure."),
        _("The claim page shows what is refunded."),
    ),
    "stop_after_solvency": EventMessage(
        _("Claim %(code)s is closed as irrecoverable"),
        _("The procedure was stopped after the doubtful solvency check."),
        _("The certificate of irrecoverability can be downloaded from the claim page."),
    ),
    "enforcement_failed": EventMessage(
        _("Claim %(code)s is closed as irrecoverable"),
        _("The bailiff found nothing to seize."),
        _("The certificate of irrecoverability can be downloaded from the claim page."),
    ),
    "grant_title": EventMessage(
        _("Claim %(code)s: the PV is enforceable"),
        _("A magistrate declared the PV of non-contestation enforceable."),
        _(
            "Enforcement costs beyond the advance need your consent: give it on the claim page, "
            "up to an amount you choose."
        ),
    ),
}

# Every event in plain words, for the digest and the e-mails.
EVENT_WORDS: dict[str, Promise] = {
    "submit": _("Submitted"),
    "request_advance": _("The advance is to be paid"),
    "reject": _("Rejected"),
    "accept_on_payment": _("Advance received, claim accepted"),
    "review_on_payment": _("Advance received, claim under review"),
    "accept": _("Accepted after review"),
    "hand_off": _("Handed to the bailiff office"),
    "solvency_doubtful": _("Solvency doubtful: your decision is needed"),
    "continue_at_own_risk": _("Continued at your own risk"),
    "stop_after_solvency": _("Stopped after the solvency check"),
    "serve_summons": _("Summons to pay served"),
    "grant_facilities": _("Payment facilities granted"),
    "miss_instalment": _("An instalment was missed: the procedure resumes"),
    "window_elapsed": _("The PV can be asked for"),
    "draw_pv": _("PV of non-contestation drawn"),
    "request_title": _("Enforceable title requested"),
    "grant_title": _("PV declared enforceable"),
    "start_enforcement": _("Enforcement started"),
    "record_payment": _("Paid in full"),
    "contest": _("Contested by the debtor"),
    "debtor_insolvent": _("Debtor bankrupt or in reorganisation"),
    "cancel": _("Cancelled"),
    "enforcement_failed": _("Enforcement found nothing to seize"),
    "solvency_checked": _("Solvency check passed"),
    "document_added": _("Document added"),
    "document_removed": _("Document removed from the draft"),
    "summons_manner": _("How the summons was served was recorded"),
    "debtor_paid": _("The debtor paid (part of) the claim"),
    "facilities_requested": _("The debtor asks for payment facilities"),
    "facilities_declined": _("Payment facilities declined"),
    "pv_requested": _("PV asked for"),
    "enforcement_step": _("Enforcement step"),
    "paid_out": _("Paid out to you"),
    "reassigned": _("Moved to another bailiff office"),
    "direct_payment_reported": _("Direct payment reported"),
}

# Back-office bookkeeping the creditor has nothing to do with: left out of the digest.
INTERNAL = frozenset(
    {
        "acceptance_sla_breached",
        "service_sla_breached",
        "finding_overridden",
        "flagged_for_review",
        "office_not_reached",
        "no_office",
    }
)


def event_words(name: str) -> str:
    return str(EVENT_WORDS.get(name, name.replace("_", " ")))
