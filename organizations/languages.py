"""The one language switch: the admin's and the desk's choice kept in the cookie and, for a signed-in
user, on the user (the language of their emails)."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from organizations.models import UserPreferences
from organizations.services import user_language_set


@require_POST
def set_language(request):
    """Django's `set_language` (the `django_language` cookie, then back to `next`: a redirect, or a 204 for a
    client that does not take HTML), and a signed-in user's choice remembered for the emails sent to them.
    A language the service does not speak is a 400 (Django's own view would set any language it knows)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(f"language: one of {', '.join(dict(settings.LANGUAGES))}.")
    response = django_set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response


def user_language(user) -> str:
    """The language `user` chose (LANGUAGE_CODE when they never did); reads `user.preferences` (load it
    with `select_related("preferences")` for many users at once)."""
    try:
        language = user.preferences.language
    except UserPreferences.DoesNotExist:
        return settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
