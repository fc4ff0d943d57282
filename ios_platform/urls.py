from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import api as claims_api
from claims import eligibility_api
from creditors import views as creditor_views
from fees import api as fees_api
from fees import webhooks as fees_webhooks
from ios_platform import views

api_v1 = [
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
        "eligibility/check",
        eligibility_api.EligibilityCheckApi.as_view(),
        name="eligibility-check",
    ),
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
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/switch/", creditor_views.account_switch, name="account-switch"),
    path("claims/", include("claims.urls")),
    path("backoffice/", include("claims.backoffice_urls")),
    prefix_default_language=False,
)
