"""The user's own settings: notification e-mails, the digest, their language, and links to
password, e-mail addresses and two-factor authentication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from creditors.models import User
from creditors.selectors import memberships_of
from notifications.forms import PreferenceForm
from notifications.selectors import WRITER_ROLES, preference_get
from notifications.services import preference_update


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Any logged-in user's own preferences: the form is bound to request.user and nobody else."""
    user = request.user
    assert isinstance(user, User)
    form = PreferenceForm(request.POST or None, instance=preference_get(user=user))
    if request.method == "POST" and form.is_valid():
        preference_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    roles = set(memberships_of(user=user).values_list("role", flat=True))
    context = {
        "form": form,
        "is_writer": bool(roles & set(WRITER_ROLES)),
        "is_member": bool(roles),
    }
    return render(
        request, "notifications/settings.html", context, status=400 if form.errors else 200
    )
