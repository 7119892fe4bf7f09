"""Who may call the API: an authenticated token; a read-only token only reads."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiToken


class TokenPermission(BasePermission):
    message = "This token is read-only."

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiToken):
            return False  # DRF answers 401: no credentials
        return request.method in SAFE_METHODS or not request.auth.read_only
