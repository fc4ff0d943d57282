from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from bailiffs import api as bailiff_api
from claims import actions_api as claim_actions_api
from claims import api as claims_api
from claims import eligibility_api
from claims.dashboard import dashboard_view
from creditors import views as creditor_views
from fees import api as fees_api
from fees import webhooks as fees_webhooks
from ios_platform import views

api_v1 = [
    path("bailiff/claims", bailiff_api.BailiffClaimListApi.as_view(), name="bailiff-claims"),
    path(
        "bailiff/claims/<str:code>",
        bailiff_api.BailiffClaimDetailApi.as_view(),
        name="bailiff-claim",
    ),
    *[
        path(
            f"bailiff/claims/<str:code>/{action}",
            view.as_view(),
            name=f"bailiff-claim-{action}",
        )
        for action, view in bailiff_api.ACTION_VIEWS.items()
    ],
    path("claims", claims_api.ClaimListApi.as_view(), name="claims"),
    path("claims/<str:code>", claims_api.ClaimDetailApi.as_view(), name="claim"),
    path(
        "claims/<str:code>/documents",
        claims_api.ClaimDocumentListApi.as_view(),
        name="claim-documents",
    ),
    path(
        "claims/<str:code>/documents/<int:document_id>",
        claims_api.ClaimDocumentDownloadApi.as_view(),
        name="claim-document",
    ),
    path(
        "claims/<str:code>/legal-documents/<int:document_id>",
        claims_api.ClaimLegalDocumentApi.as_view(),
        name="claim-legal-document",
    ),
    path(
        "bailiff/claims/<str:code>/legal-documents/<int:document_id>",
        bailiff_api.BailiffLegalDocumentApi.as_view(),
        name="bailiff-legal-document",
    ),
    path(
        "eligibility/check",
        eligibility_api.EligibilityCheckApi.as_view(),
        name="eligibility-check",
    ),
    *[
        path(f"claims/<str:code>/{action}", view.as_view(), name=f"claim-{action}")
        for action, view in claim_actions_api.ACTION_VIEWS.items()
    ],
    path("calculator/quote", fees_api.QuoteApi.as_view(), name="calculator-quote"),
    path("claims/<str:code>/advance", fees_api.ClaimAdvanceApi.as_view(), name="claim-advance"),
    path("claims/<str:code>/money", fees_api.ClaimMoneyApi.as_view(), name="claim-money"),
    path("stripe/webhook", fees_webhooks.StripeWebhookApi.as_view(), name="stripe-webhook"),
    path(
        "calculator/deadlines",
        claims_api.DeadlinesCalculatorApi.as_view(),
        name="calculator-deadlines",
    ),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/switch/", creditor_views.account_switch, name="account-switch"),
    path("", include("creditors.urls")),
    path("accounts/", include("allauth.urls")),
    path("claims/new/", include("claims.submission_urls")),
    path("claims/", include("claims.urls")),
    path("dashboard/", dashboard_view, name="dashboard"),
    path("settings/", include("notifications.urls")),
    path("backoffice/", include("claims.backoffice_urls")),
    path("bailiff/", include("bailiffs.urls")),
    prefix_default_language=False,
)
