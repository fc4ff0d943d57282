from django.urls import path

from bailiffs import views

app_name = "bailiffs"
urlpatterns = [
    path("", views.work_queue, name="queue"),
    path("claims/<str:code>/", views.claim_detail, name="claim"),
    path("tokens/", views.api_tokens, name="tokens"),
    path("claims/<str:code>/legal/<int:document_id>/", views.legal_document, name="legal-document"),
]
