"""What every portal page needs: the user's accounts, the one acted in, its companies (the one
chosen in the header), and the menu."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creditors.models import User
from creditors.selectors import companies_of, current_company, current_membership, memberships_of


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
    links = [(reverse(item.url_name), item.label) for item in _nav_items()]
    # The longest matching prefix is the current page: /claims/new/ is "New claim", not "Claims".
    matching = [url for url, _label in links if request.path.startswith(url)]
    current = max(matching, key=len, default=None)
    return [{"url": url, "label": label, "active": url == current} for url, label in links]


def portal(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or request.path.startswith("/api/"):
        return {}
    membership = current_membership(request)
    return {
        "current_membership": membership,
        "all_memberships": memberships_of(user=user),
        "current_company": current_company(request, membership),
        "switch_companies": companies_of(account=membership.account) if membership else [],
        "nav": _nav(request) if membership is not None else [],
    }
