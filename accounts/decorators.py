from django.contrib.auth.decorators import user_passes_test


def _is_staff(user) -> bool:
    return user.is_active and user.is_staff


staff_required = user_passes_test(_is_staff)
superuser_required = user_passes_test(lambda user: _is_staff(user) and user.is_superuser)
