"""What each user wants to receive, and a row per e-mail sent so that none goes out twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimEvent
from creditors.models import Account


class EmailLanguage(models.TextChoices):
    """The languages the portal speaks (German documents exist, German e-mails do not)."""

    EN = "en", _("English")
    NL = "nl", _("Dutch")
    FR = "fr", _("French")


class NotificationPreference(models.Model):
    """A user's choices. No row yet means the defaults (see selectors.preferences_for)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    event_emails = models.BooleanField(
        _("E-mail me when a claim needs me"),
        default=True,
        help_text=_(
            "One e-mail per event that asks for your decision or changes a claim's outcome. "
            "Read-only members receive only the daily digest."
        ),
    )
    daily_digest = models.BooleanField(
        _("Send me a daily digest"),
        default=True,
        help_text=_(
            "Every morning, the last 24 hours' changes on your claims; none if nothing changed."
        ),
    )
    language = models.CharField(
        _("Language of the e-mails"), max_length=2, choices=EmailLanguage.choices
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class NotifiedEvent(models.Model):
    """An event whose e-mails were queued: the fan-out reads each event once."""

    event = models.OneToOneField(ClaimEvent, on_delete=models.PROTECT, related_name="+")
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"event {self.event_id}: {self.recipients} recipients"


class EventEmail(models.Model):
    """One e-mail about one event to one user, written before it is sent (unique pair)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(ClaimEvent, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=2, choices=EmailLanguage.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="event_email_once_per_user")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="event_email_pending"
            )
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} → user {self.user_id}"


class DigestSent(models.Model):
    """A user's daily digest of one day: claimed (inserted) in the transaction that sends it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    events = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="digest_once_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"digest of {self.date} for user {self.user_id}"
