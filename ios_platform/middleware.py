from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def language_from_accept_header(header: str) -> str:
    """The best supported language in an Accept-Language header, else the default."""
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


class ApiLanguageMiddleware:
    """API paths have no language prefix: their language comes from Accept-Language.

    LocaleMiddleware pins un-prefixed paths to LANGUAGE_CODE once i18n_patterns is in use, which
    is right for HTML pages and wrong for the API.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            language = language_from_accept_header(request.headers.get("Accept-Language", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
