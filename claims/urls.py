from django.urls import path

from claims import views

app_name = "claims"

# The claim page's actions: one URL each (POST), named after the action, kwarg `code`.
ACTION_PATHS = {
    "direct-payment": "direct_payment",
    "plan": "plan",
    "solvency": "solvency",
    "pv": "pv",
    "consent": "consent",
    "comment": "comment",
}

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("<str:code>/", views.claim_detail, name="detail"),
    path("<str:code>/cancel/", views.claim_cancel_page, name="cancel"),
    *(
        path(f"<str:code>/{segment}/", views.claim_action, {"action": action}, name=segment)
        for segment, action in ACTION_PATHS.items()
    ),
    path(
        "<str:code>/documents/<int:document_id>/",
        views.claim_document_download,
        name="document",
    ),
    path(
        "<str:code>/legal/<int:document_id>/",
        views.claim_legal_document,
        name="legal-document",
    ),
]
