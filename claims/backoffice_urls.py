from django.urls import path

from claims import backoffice

app_name = "backoffice"
urlpatterns = [
    path("review/", backoffice.review_list, name="review-list"),
    path("review/<str:code>/", backoffice.review_detail, name="review-detail"),
]
