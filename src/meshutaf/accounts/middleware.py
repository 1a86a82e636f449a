"""Activate the signed-in user's chosen interface language.

Runs after LocaleMiddleware (which honours the language cookie and Accept-Language) so a
saved preference wins on every device the user signs in from.
"""

from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
