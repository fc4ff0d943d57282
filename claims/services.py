"""Writes about claims. Every state change goes through `claim_transition`."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bailiffs.models import Office
from claims import deadlines, eligibility
from claims.codes import new_payment_reference, new_public_code
from claims.models import (
    Claim,
    ClaimComment,
    ClaimDocument,
    ClaimEvent,
    DocumentKind,
    EligibilityVerdict,
    Invoice,
    SweepRun,
)
from claims.states import (
    AFTER_PV,
    IN_WINDOW,
    NOTES,
    TERMINAL,
    ActorKind,
    State,
    TransitionNotAllowed,
    transition_get,
)
from creditors.models import Account, Company, User
from debtors.models import Debtor


@dataclass(frozen=True)
class InvoiceInput:
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    credit_notes: Decimal = Decimal("0.00")
    periodic: bool = False


@dataclass(frozen=True)
class Actor:
    """Who acts: a user in a role, or the platform itself (user None, kind SYSTEM)."""

    kind: ActorKind
    user: User | None = None


SYSTEM = Actor(kind=ActorKind.SYSTEM)


def _state_label(state: str) -> str:
    return str(State(state).label)


def _check_tenant(account: Account, claim: Claim) -> None:
    if claim.account_id != account.pk:
        raise TransitionNotAllowed("The claim does not belong to this account.")


def _new_unique_identifiers() -> dict[str, str]:
    return {"code": new_public_code(), "payment_reference": new_payment_reference()}


@transaction.atomic
def claim_create_draft(
    *,
    account: Account,
    actor: User,
    company: Company,
    debtor: Debtor,
    invoices: Sequence[InvoiceInput],
    own_reference: str = "",
    language: str | None = None,
) -> Claim:
    if company.account_id != account.pk or debtor.account_id != account.pk:
        raise ValidationError({"company": [_("Unknown company or debtor for this account.")]})
    own_reference = own_reference.strip()
    if (
        own_reference
        and Claim.objects.filter(account=account, own_reference__iexact=own_reference).exists()
    ):
        raise ValidationError(
            {"own_reference": [_("This reference is already used by another claim.")]}
        )
    claim = Claim(
        account=account,
        company=company,
        debtor=debtor,
        own_reference=own_reference,
        language=language or debtor.language,
        state=State.DRAFT,
        state_changed_at=timezone.now(),
        created_by=actor,
        **_new_unique_identifiers(),
    )
    claim.full_clean(exclude=["code", "payment_reference", "state_changed_at"])
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:  # a code collision (50 random bits): draw again once
        claim.pk = None
        for key, value in _new_unique_identifiers().items():
            setattr(claim, key, value)
        claim.save()
    invoice_rows = [
        Invoice(account=account, claim=claim, **invoice.__dict__) for invoice in invoices
    ]
    for row in invoice_rows:
        row.full_clean(exclude=["claim", "account"])
    Invoice.objects.bulk_create(invoice_rows)
    return claim


def claim_transition(
    *,
    account: Account,
    claim: Claim,
    name: str,
    actor: Actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Move `claim` by the declared transition `name`, or raise and change nothing.

    Race-safe by compare-and-swap: the UPDATE only matches while the row still holds the state
    this caller read, so of two concurrent moves exactly one wins. The event row is written in
    the same transaction.
    """
    _check_tenant(account, claim)
    transition = transition_get(name)
    if actor.kind not in transition.actors:
        raise TransitionNotAllowed(
            _("You may not do this (%(action)s) on a claim.") % {"action": name}
        )
    if claim.state not in transition.sources:
        raise TransitionNotAllowed(
            _("This action (%(action)s) is not possible while the claim is “%(state)s”.")
            % {"action": name, "state": _state_label(claim.state)}
        )
    now = timezone.now()
    fields: dict[str, Any] = {"state": transition.target, "state_changed_at": now}
    if transition.target in TERMINAL:
        fields["closed_at"] = now
    fields.update(changes or {})
    with transaction.atomic():
        moved = Claim.objects.filter(pk=claim.pk, state=claim.state).update(**fields)
        if moved != 1:
            raise TransitionNotAllowed(_("The claim changed meanwhile; reload it and try again."))
        event = ClaimEvent.objects.create(
            account=account,
            claim=claim,
            name=name,
            from_state=claim.state,
            to_state=transition.target,
            actor=actor.user,
            actor_kind=actor.kind,
            reason=reason,
            data=data or {},
            created_at=now,
        )
    for key, value in fields.items():
        setattr(claim, key, value)
    return event


def claim_ensure_can(claim: Claim, name: str) -> None:
    """Raise TransitionNotAllowed (409) before any other check when the state forbids `name`."""
    transition = transition_get(name)
    if claim.state not in transition.sources:
        raise TransitionNotAllowed(
            _("This action (%(action)s) is not possible while the claim is “%(state)s”.")
            % {"action": name, "state": _state_label(claim.state)}
        )


def claim_note(
    *,
    account: Account,
    claim: Claim,
    name: str,
    actor: Actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Record an event that does not move the claim (from == to)."""
    _check_tenant(account, claim)
    if name not in NOTES:
        raise TransitionNotAllowed(f"Unknown note {name!r}.")
    return ClaimEvent.objects.create(
        account=account,
        claim=claim,
        name=name,
        from_state=claim.state,
        to_state=claim.state,
        actor=actor.user,
        actor_kind=actor.kind,
        reason=reason,
        data=data or {},
        created_at=timezone.now(),
    )


def claim_facts(claim: Claim, *, on: date) -> eligibility.ClaimFacts:
    """What the eligibility service needs to know about a stored claim."""
    debtor = claim.debtor
    return eligibility.ClaimFacts(
        creditor_country=claim.company.country,
        creditor_number=claim.company.registration_number,
        debtor_country=debtor.country,
        debtor_number=debtor.registration_number,
        debtor_address=eligibility.DebtorAddress(debtor.street, debtor.postal_code, debtor.city),
        invoices=[
            eligibility.InvoiceFacts(i.number, i.due_date, i.amount, i.credit_notes, i.periodic)
            for i in claim.invoices.all()
        ],
        on=on,
        chosen_language=claim.language,
    )


def _english_summary(reasons: Sequence[eligibility.Reason]) -> str:
    with translation.override("en"):
        return "; ".join(reason.message for reason in reasons)


@transaction.atomic
def claim_submit(*, account: Account, actor: User, claim: Claim) -> Claim:
    """Submit a draft: eligibility runs, then the claim awaits its advance or is rejected."""
    _check_tenant(account, claim)
    result = eligibility.eligibility_check(facts=claim_facts(claim, on=timezone.localdate()))
    reasons = [reason.as_dict() for reason in result.reasons]
    claim_transition(
        account=account,
        claim=claim,
        name="submit",
        actor=Actor(kind=ActorKind.CREDITOR, user=actor),
        data={"verdict": result.verdict, "reasons": reasons},
        changes={
            "submitted_at": timezone.now(),
            "eligibility_verdict": result.verdict,
            "eligibility_reasons": reasons,
            "eligibility_register_date": result.register_date,
        },
    )
    if result.verdict == EligibilityVerdict.INELIGIBLE:
        claim_transition(
            account=account,
            claim=claim,
            name="reject",
            actor=SYSTEM,
            reason=_english_summary(result.reasons),
        )
    else:
        claim_transition(account=account, claim=claim, name="request_advance", actor=SYSTEM)
    return claim


@transaction.atomic
def claim_record_advance(*, account: Account, actor: Actor, claim: Claim) -> Claim:
    """The advance is received: accept at once, or queue for a person within the SLA."""
    now = timezone.now()
    if claim.eligibility_verdict == EligibilityVerdict.REVIEW:
        due = deadlines.add_working_hours(now, settings.ACCEPTANCE_SLA_WORKING_HOURS)
        claim_transition(
            account=account,
            claim=claim,
            name="review_on_payment",
            actor=actor,
            changes={"advance_paid_at": now, "acceptance_due_at": due},
        )
    else:
        claim_transition(
            account=account,
            claim=claim,
            name="accept_on_payment",
            actor=actor,
            changes={"advance_paid_at": now},
        )
        _enqueue_hand_off(claim)
    return claim


def claim_accept(*, account: Account, actor: User, claim: Claim, reason: str = "") -> Claim:
    claim_transition(
        account=account,
        claim=claim,
        name="accept",
        actor=Actor(kind=ActorKind.STAFF, user=actor),
        reason=reason,
    )
    _enqueue_hand_off(claim)
    return claim


def claim_reject(*, account: Account, actor: User, claim: Claim, reason: str) -> Claim:
    """Staff reject a claim in review; the creditor sees the reason. A paid advance is refunded
    in full (domain.md section 3), which the money module settles from this event."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the claim is rejected.")]})
    refund = {"refund": "full"} if claim.advance_paid_at else {}
    claim_transition(
        account=account,
        claim=claim,
        name="reject",
        actor=Actor(kind=ActorKind.STAFF, user=actor),
        reason=reason,
        data=refund,
    )
    return claim


def claim_override_finding(
    *, account: Account, actor: User, claim: Claim, code: str, note: str
) -> Claim:
    """Staff set aside a "review" finding (or a flag) with a note; it stays in the history."""
    _check_tenant(account, claim)
    if not note.strip():
        raise ValidationError({"note": [_("Write a note that explains the decision.")]})
    findings = [dict(finding) for finding in claim.eligibility_reasons]
    matching = [f for f in findings if f.get("code") == code and not f.get("overridden")]
    is_flag = claim.review_flag == code
    if code in eligibility.REASONS and eligibility.REASONS[code][0]:
        raise ValidationError(
            {"code": [_("Only findings that ask for a review can be set aside.")]}
        )
    if not matching and not is_flag:
        raise ValidationError({"code": [_("The claim has no open finding with this code.")]})
    for finding in matching:
        finding["overridden"] = {"by": actor.email, "note": note}
    with transaction.atomic():
        changes: dict[str, Any] = {"eligibility_reasons": findings}
        if is_flag:
            changes |= {"review_flag": "", "review_flagged_at": None}
        Claim.objects.filter(pk=claim.pk).update(**changes)
        claim_note(
            account=account,
            claim=claim,
            name="finding_overridden",
            actor=Actor(kind=ActorKind.STAFF, user=actor),
            reason=note,
            data={"code": code},
        )
    for key, value in changes.items():
        setattr(claim, key, value)
    return claim


def _enqueue_hand_off(claim: Claim) -> None:
    from claims.tasks import hand_off_claim

    claim_id = claim.pk
    transaction.on_commit(lambda: hand_off_claim.delay(claim_id))


def claim_hand_off(*, account: Account, claim: Claim, office: Office, actor: Actor) -> Claim:
    now = timezone.now()
    due = deadlines.working_days_deadline(now, settings.SERVICE_SLA_WORKING_DAYS)
    claim_transition(
        account=account,
        claim=claim,
        name="hand_off",
        actor=actor,
        data={"office_id": office.pk, "office": office.name},
        changes={"office": office, "handed_off_at": now, "service_due_at": due},
    )
    return claim


def claim_record_solvency(
    *, account: Account, claim: Claim, actor: User, score: int, threshold: int = 20
) -> Claim:
    """Record the bailiff's solvency score (0–100); below the threshold the creditor decides."""
    if not 0 <= score <= 100:
        raise ValidationError({"score": [_("The score must be between 0 and 100.")]})
    bailiff = Actor(kind=ActorKind.BAILIFF, user=actor)
    data = {"score": score, "threshold": threshold}
    if score < threshold:
        claim_transition(
            account=account, claim=claim, name="solvency_doubtful", actor=bailiff, data=data
        )
    elif claim.state == State.WITH_BAILIFF:
        claim_note(account=account, claim=claim, name="solvency_checked", actor=bailiff, data=data)
    else:
        raise TransitionNotAllowed(
            _("The solvency check can only be recorded while the claim is with the bailiff.")
        )
    return claim


def claim_serve_summons(*, account: Account, claim: Claim, actor: User, served_on: date) -> Claim:
    """The summons is served: the one-month window of art. 1394/21 starts the next day."""
    claim_ensure_can(claim, "serve_summons")
    today = timezone.localdate()
    if served_on > today:
        raise ValidationError({"served_on": [_("The service date cannot be in the future.")]})
    if claim.handed_off_at and served_on < timezone.localdate(claim.handed_off_at):
        raise ValidationError(
            {"served_on": [_("The service date cannot be before the hand-off to the office.")]}
        )
    window = deadlines.ios_window(served_on, conservative=settings.IOS_PV_CONSERVATIVE)
    claim_transition(
        account=account,
        claim=claim,
        name="serve_summons",
        actor=Actor(kind=ActorKind.BAILIFF, user=actor),
        data={"served_on": served_on.isoformat()},
        changes=_window_fields(window),
    )
    return claim


def _window_fields(window: deadlines.IosWindow) -> dict[str, Any]:
    return {
        "served_on": window.served_on,
        "month_ends_on": window.month_ends_on,
        "pv_earliest_on": window.pv_earliest_on,
        "window_ends_at": window.pv_ready_at,
    }


def claim_grant_facilities(
    *, account: Account, claim: Claim, actor: Actor, reason: str = ""
) -> Claim:
    """Payment facilities suspend the window; it resumes where it stood on a missed instalment."""
    claim_transition(
        account=account,
        claim=claim,
        name="grant_facilities",
        actor=actor,
        reason=reason,
        changes={"suspended_on": timezone.localdate()},
    )
    return claim


def claim_miss_instalment(*, account: Account, claim: Claim, actor: Actor) -> Claim:
    if claim.served_on is None or claim.month_ends_on is None or claim.suspended_on is None:
        raise TransitionNotAllowed(_("This claim has no suspended window to resume."))
    window = deadlines.resumed_window(
        served_on=claim.served_on,
        month_ends_on=claim.month_ends_on,
        suspended_on=claim.suspended_on,
        resumed_on=timezone.localdate(),
        conservative=settings.IOS_PV_CONSERVATIVE,
    )
    claim_transition(
        account=account,
        claim=claim,
        name="miss_instalment",
        actor=actor,
        data={"month_ends_on": window.month_ends_on.isoformat()},
        changes={**_window_fields(window), "suspended_on": None},
    )
    return claim


@dataclass
class SweepResult:
    moved: int = 0
    flagged: int = 0
    chunks: int = 0
    details: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _DueRule:
    """One question the sweep asks: which claims in `state` have `due_field` passed?"""

    name: str
    state: State
    target: State
    due_field: str
    flag_field: str | None
    reason: str


DUE_RULES: tuple[_DueRule, ...] = (
    _DueRule(
        "window_elapsed",
        State.SUMMONS_SERVED,
        State.READY_FOR_PV,
        "window_ends_at",
        None,
        "The month after service and the period before the PV have passed (art. 1394/24).",
    ),
    _DueRule(
        "acceptance_sla_breached",
        State.IN_REVIEW,
        State.IN_REVIEW,
        "acceptance_due_at",
        "acceptance_sla_breached_at",
        "Not reviewed within the acceptance SLA.",
    ),
    _DueRule(
        "service_sla_breached",
        State.WITH_BAILIFF,
        State.WITH_BAILIFF,
        "service_due_at",
        "service_sla_breached_at",
        "The summons was not served within the service SLA.",
    ),
)


def _sweep_chunk(rule: _DueRule, *, now: datetime, limit: int) -> int:
    """Move (or flag) at most `limit` due claims in one short transaction.

    SKIP LOCKED lets concurrent sweeps take disjoint chunks; the state condition on the UPDATE
    keeps it a compare-and-swap on databases without row locks (SQLite serialises writers).
    """
    with transaction.atomic():
        due = Claim.objects.select_for_update(skip_locked=True).filter(
            state=rule.state, **{f"{rule.due_field}__lte": now}
        )
        if rule.flag_field:
            due = due.filter(**{f"{rule.flag_field}__isnull": True})
        rows = list(due.order_by(rule.due_field).values_list("id", "account_id")[:limit])
        if not rows:
            return 0
        changes: dict[str, Any] = (
            {rule.flag_field: now}
            if rule.flag_field
            else {"state": rule.target, "state_changed_at": now}
        )
        updated = Claim.objects.filter(id__in=[row[0] for row in rows], state=rule.state).update(
            **changes
        )
        if updated != len(rows):  # cannot happen under the row locks; never write a false event
            raise TransitionNotAllowed("Claims changed under the sweep's locks.")
        ClaimEvent.objects.bulk_create(
            ClaimEvent(
                account_id=account_id,
                claim_id=claim_id,
                name=rule.name,
                from_state=rule.state,
                to_state=rule.target,
                actor_kind=ActorKind.SYSTEM,
                reason=rule.reason,
                created_at=now,
            )
            for claim_id, account_id in rows
        )
    return len(rows)


def claim_sweep_due(*, now: datetime | None = None, chunk_size: int | None = None) -> SweepResult:
    """Move every claim whose deadline has passed, in chunks, one event per claim."""
    started = timezone.now()
    now = now or started
    limit = chunk_size or settings.SWEEP_CHUNK_SIZE
    result = SweepResult()
    for rule in DUE_RULES:
        done = 0
        while True:
            count = _sweep_chunk(rule, now=now, limit=limit)
            done += count
            result.chunks += 1 if count else 0
            if count < limit:
                break
        result.details[rule.name] = done
        if rule.flag_field:
            result.flagged += done
        else:
            result.moved += done
    SweepRun.objects.create(
        started_at=started, finished_at=timezone.now(), moved=result.moved, flagged=result.flagged
    )
    return result


# Magic numbers of the three accepted types; the declared type and the name are not trusted.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def sniff_content_type(head: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)


def claim_document_add(
    *,
    account: Account,
    actor: User,
    claim: Claim,
    kind: str,
    upload: UploadedFile,
    actor_kind: ActorKind = ActorKind.CREDITOR,
) -> ClaimDocument:
    """Store an uploaded PDF, PNG or JPEG (at most CLAIM_DOCUMENT_MAX_BYTES) on the claim."""
    _check_tenant(account, claim)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("Choose invoice, terms or reminder.")]})
    if upload.size is None or upload.size > settings.CLAIM_DOCUMENT_MAX_BYTES:
        limit = settings.CLAIM_DOCUMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": limit}]})
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    if content_type is None:
        raise ValidationError({"file": [_("Only PDF, PNG or JPEG files are accepted.")]})
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        document = ClaimDocument(
            account=account,
            claim=claim,
            kind=kind,
            original_name=(upload.name or "document")[-200:],
            content_type=content_type,
            size=upload.size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        document.file.save("upload", upload, save=False)
        document.save()
        claim_note(
            account=account,
            claim=claim,
            name="document_added",
            actor=Actor(kind=actor_kind, user=actor),
            data={"document_id": document.pk, "kind": kind, "sha256": document.sha256},
        )
    return document


@transaction.atomic
def claim_document_remove(*, account: Account, actor: User, claim: Claim, document_id: int) -> str:
    """Take a wrongly chosen file off a draft (once submitted, the dossier's files stay).

    Returns the file's name; the removal is an event like the upload was.
    """
    _check_tenant(account, claim)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.state != State.DRAFT:
        raise ValidationError({"document": [_("Files can only be removed from a draft.")]})
    document = ClaimDocument.objects.filter(claim=locked, pk=document_id).first()
    if document is None:
        raise ValidationError({"document": [_("This file is not on the claim (any more).")]})
    name, digest = document.original_name, document.sha256
    document.file.delete(save=False)
    document.delete()
    claim_note(
        account=account,
        claim=locked,
        name="document_removed",
        actor=Actor(kind=ActorKind.CREDITOR, user=actor),
        data={"document_id": document_id, "sha256": digest},
    )
    return name


_OPEN_WITH_REGISTER = [s for s in State if s not in TERMINAL and s != State.DRAFT]
_STOPPING = {"bankrupt", "reorganisation"}


def claims_recheck_debtors(*, extract_id: int, chunk_size: int = 500) -> dict[str, int]:
    """Re-check the Belgian debtors of every open claim against the register just imported.

    A debtor now bankrupt or in reorganisation stops its claims (debtor_insolvent; the refund
    rules apply); a debtor now in dissolution flags its claims for review, once. One event per
    claim; each claim moves in its own short transaction.
    """
    from debtors.selectors import register_lookup

    counts = {"stopped": 0, "flagged": 0}
    open_claims = Claim.objects.filter(state__in=_OPEN_WITH_REGISTER, debtor__country="BE")
    last_id = 0
    while True:
        chunk = list(
            open_claims.filter(pk__gt=last_id)
            .select_related("account", "debtor")
            .order_by("pk")[:chunk_size]
        )
        if not chunk:
            return counts
        last_id = chunk[-1].pk
        entries = {
            number: register_lookup(number)
            for number in {claim.debtor.registration_number for claim in chunk}
        }
        for claim in chunk:
            entry = entries[claim.debtor.registration_number]
            if entry is not None:
                outcome = _recheck_one(claim, entry.situation, extract_id)
                if outcome:
                    counts[outcome] += 1


def _recheck_one(claim: Claim, situation: str, extract_id: int) -> str | None:
    data = {"extract_id": extract_id, "situation": situation}
    if situation in _STOPPING:
        try:
            claim_transition(
                account=claim.account,
                claim=claim,
                name="debtor_insolvent",
                actor=SYSTEM,
                reason=f"The register now shows the debtor as {situation}.",
                data=data,
            )
        except TransitionNotAllowed:
            return None  # moved meanwhile; the next import or a person will see it
        return "stopped"
    if situation == "dissolution" and claim.review_flag != "debtor_dissolution":
        with transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(
                review_flag="debtor_dissolution", review_flagged_at=timezone.now()
            )
            claim_note(
                account=claim.account,
                claim=claim,
                name="flagged_for_review",
                actor=SYSTEM,
                reason="The register now shows the debtor in dissolution or liquidation.",
                data=data,
            )
        return "flagged"
    return None


# --- The creditor's decisions, shared by its claim page and its API (issue 6) ---------------

SOLVENCY_DECISIONS = {"continue": "continue_at_own_risk", "stop": "stop_after_solvency"}


def _creditor(user: User) -> Actor:
    return Actor(kind=ActorKind.CREDITOR, user=user)


def _enqueue_refunds() -> None:
    # The event log is the outbox: the task gives every stopped claim its refund, once.
    from fees.tasks import refunds_from_events

    transaction.on_commit(refunds_from_events.delay)


def direct_payment_possible(claim: Claim) -> bool:
    """Once the summons is served the debt is booked, and a direct payment can settle part of it."""
    return claim.state in IN_WINDOW | AFTER_PV


@transaction.atomic
def claim_cancel(*, account: Account, actor: User, claim: Claim, reason: str) -> ClaimEvent:
    """The creditor stops the procedure; the refund the rules give follows from the event."""
    _check_tenant(account, claim)
    claim_ensure_can(claim, "cancel")
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you cancel the claim.")]})
    event = claim_transition(
        account=account, claim=claim, name="cancel", actor=_creditor(actor), reason=reason.strip()
    )
    _enqueue_refunds()
    return event


@transaction.atomic
def claim_solvency_decide(
    *, account: Account, actor: User, claim: Claim, decision: str
) -> ClaimEvent:
    """After a doubtful solvency check: continue at own risk, or stop (the advance less the
    fees comes back, with a certificate of irrecoverability)."""
    if decision not in SOLVENCY_DECISIONS:
        raise ValidationError({"decision": [_("Choose to continue or to stop.")]})
    event = claim_transition(
        account=account, claim=claim, name=SOLVENCY_DECISIONS[decision], actor=_creditor(actor)
    )
    if decision == "stop":
        _enqueue_refunds()
    return event


@transaction.atomic
def claim_direct_payment_report(
    *, account: Account, actor: User, claim: Claim, amount: Decimal, paid_on: date
) -> ClaimEvent:
    """The debtor paid the creditor directly: it settles principal, then interest; the costs
    stay due and the office's balance letter claims them."""
    from fees.ledger import ledger_direct_payment
    from fees.tasks import ledger_from_events

    _check_tenant(account, claim)
    if not direct_payment_possible(claim):
        raise TransitionNotAllowed(
            _("A direct payment can be reported once the summons is served.")
        )
    if amount <= 0:
        raise ValidationError({"amount": [_("Give a positive amount.")]})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("This date is in the future.")]})
    ledger_from_events()  # the debt of the summons must be booked before a payment on it
    ledger_direct_payment(claim=claim, amount=amount, paid_on=paid_on, actor=actor)
    return claim_note(
        account=account,
        claim=claim,
        name="direct_payment_reported",
        actor=_creditor(actor),
        data={"amount": str(amount), "paid_on": paid_on.isoformat()},
    )


def claim_comment_add(
    *, account: Account, actor: User, claim: Claim, kind: str, body: str
) -> ClaimComment:
    """A note for the creditor's team, or a comment the bailiff office reads too (members and
    owners only: a read-only member writes nothing)."""
    from creditors.models import Membership

    _check_tenant(account, claim)
    membership = Membership.objects.filter(account=account, user=actor).first()
    if membership is None or not membership.can_write:
        raise PermissionDenied(_("Your role is read-only."))
    if kind not in ClaimComment.Kind.values:
        raise ValidationError({"kind": [_("Choose a note or a comment.")]})
    if not body.strip():
        raise ValidationError({"body": [_("Write the text first.")]})
    return ClaimComment.objects.create(
        account=account, claim=claim, author=actor, kind=kind, body=body.strip()
    )


# --- The submission wizard (issue 6): a draft is completed step by step, then submitted. ---


@dataclass(frozen=True)
class DraftDetails:
    """What the wizard's invoice step stores on a draft besides the invoices."""

    own_reference: str = ""
    damages_clause_percent: Decimal = Decimal("0.00")
    damages_clause_minimum: Decimal | None = None


def _lock_draft(account: Account, claim: Claim) -> None:
    """Lock the draft's row, or refuse: once submitted, a claim's data is what was checked."""
    _check_tenant(account, claim)
    if not Claim.objects.select_for_update().filter(pk=claim.pk, state=State.DRAFT).exists():
        raise TransitionNotAllowed(_("Only a draft can be changed; this claim was submitted."))


@transaction.atomic
def claim_update_draft_parties(
    *, account: Account, actor: User, claim: Claim, company: Company, debtor: Debtor
) -> Claim:
    """The wizard's first step again: another company or debtor (the language follows him)."""
    _lock_draft(account, claim)
    if company.account_id != account.pk or debtor.account_id != account.pk:
        raise ValidationError({"company": [_("Unknown company or debtor for this account.")]})
    changes = {"company": company, "debtor": debtor, "language": debtor.language}
    Claim.objects.filter(pk=claim.pk).update(**changes)
    for key, value in changes.items():
        setattr(claim, key, value)
    return claim


def _check_draft_details(account: Account, claim: Claim, details: DraftDetails) -> None:
    reference = details.own_reference.strip()
    others = Claim.objects.filter(account=account).exclude(pk=claim.pk)
    if reference and others.filter(own_reference__iexact=reference).exists():
        raise ValidationError(
            {"own_reference": [_("This reference is already used by another claim.")]}
        )
    if not Decimal(0) <= details.damages_clause_percent <= Decimal(100):
        raise ValidationError(
            {"damages_clause_percent": [_("Give a percentage between 0 and 100.")]}
        )
    if details.damages_clause_minimum is not None and details.damages_clause_minimum < 0:
        raise ValidationError({"damages_clause_minimum": [_("Give a positive amount or none.")]})


def _check_draft_invoices(invoices: Sequence[InvoiceInput]) -> None:
    if not invoices:
        raise ValidationError({"invoices": [_("Add at least one invoice.")]})
    numbers = [invoice.number.strip() for invoice in invoices]
    if len(set(numbers)) != len(numbers):
        raise ValidationError({"invoices": [_("Each invoice number may appear only once.")]})
    for invoice in invoices:
        if invoice.amount <= 0 or not 0 <= invoice.credit_notes <= invoice.amount:
            raise ValidationError(
                {"invoices": [_("Invoice %(number)s: the amount must be positive and the credit "
                                "notes between zero and the amount.") % {"number": invoice.number}]}
            )  # fmt: skip


@transaction.atomic
def claim_update_draft(
    *,
    account: Account,
    actor: User,
    claim: Claim,
    invoices: Sequence[InvoiceInput],
    details: DraftDetails,
) -> Claim:
    """The wizard's invoice step: replace a draft's invoices and details with what was saved."""
    _lock_draft(account, claim)
    _check_draft_details(account, claim, details)
    _check_draft_invoices(invoices)
    claim.own_reference = details.own_reference.strip()
    claim.damages_clause_percent = details.damages_clause_percent
    claim.damages_clause_minimum = details.damages_clause_minimum
    claim.full_clean(exclude=["code", "payment_reference", "state_changed_at"])
    rows = [Invoice(account=account, claim=claim, **invoice.__dict__) for invoice in invoices]
    for row in rows:
        row.number = row.number.strip()
        row.full_clean(exclude=["claim", "account"])
    Claim.objects.filter(pk=claim.pk).update(
        own_reference=claim.own_reference,
        damages_clause_percent=claim.damages_clause_percent,
        damages_clause_minimum=claim.damages_clause_minimum,
    )
    Invoice.objects.filter(claim=claim).delete()
    Invoice.objects.bulk_create(rows)
    getattr(claim, "_prefetched_objects_cache", {}).pop("invoices", None)  # not the old rows
    return claim
