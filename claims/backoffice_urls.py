from django.urls import path

from bailiffs import views as bailiff_views
from claims import backoffice
from fees import views as money_views

app_name = "backoffice"
urlpatterns = [
    path("review/", backoffice.review_list, name="review-list"),
    path("review/<str:code>/", backoffice.review_detail, name="review-detail"),
    path("money/", money_views.money_queue, name="money"),
    path("handoff/", bailiff_views.handoff_queue, name="handoff"),
    path("claims/<str:code>/documents/", bailiff_views.staff_documents, name="documents"),
    path(
        "claims/<str:code>/documents/<int:document_id>/",
        bailiff_views.staff_document_download,
        name="document-download",
    ),
]
