"""What every portal page needs: the user's accounts, the one acted in, and the menu."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creditors.models import User
from creditors.selectors import current_membership, memberships_of


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise


def _nav_items() -> list[NavItem]:
    return [
        NavItem("dashboard", _("Dashboard")),
        NavItem("claims:list", _("Claims")),
        NavItem("submit:start", _("New claim")),
        NavItem("creditors:companies", _("Companies")),
        NavItem("creditors:team", _("Team")),
        NavItem("notifications:settings", _("Settings")),
    ]


def _nav(request: HttpRequest) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for item in _nav_items():
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # a page not built yet
            continue
        items.append({"url": url, "label": item.label, "active": request.path.startswith(url)})
    return items


def portal(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or request.path.startswith("/api/"):
        return {}
    membership = current_membership(request)
    return {
        "current_membership": membership,
        "all_memberships": memberships_of(user=user),
        "nav": _nav(request) if membership is not None else [],
    }
