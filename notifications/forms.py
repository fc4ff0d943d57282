from django import forms

from notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm[NotificationPreference]):
    """Labels and help come from the model; the view saves through preference_update."""

    class Meta:
        model = NotificationPreference
        fields = ["event_emails", "daily_digest", "language"]
