from django.urls import path

from claims import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("<str:code>/", views.claim_detail, name="detail"),
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
