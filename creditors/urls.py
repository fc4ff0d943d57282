"""Account pages: team, invitations, companies, security, and the company switcher."""

from django.urls import path

from creditors import views

app_name = "creditors"
urlpatterns = [
    path("team/", views.team, name="team"),
    path("team/invite/", views.invite, name="invite"),
    path("team/invitations/revoke/", views.revoke_invitation, name="invitation-revoke"),
    path("team/members/role/", views.change_role, name="member-role"),
    path("team/members/remove/", views.remove_member, name="member-remove"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    path("companies/", views.companies, name="companies"),
    path("companies/edit/", views.company_edit, name="company-edit"),
    path("accounts/company/", views.company_switch, name="company-switch"),
    path("security/", views.security, name="security"),
]
