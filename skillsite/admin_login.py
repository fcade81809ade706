"""The admin's login: user names within their length, and throttling per address as well as
per (user name, address)."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db.models import Sum


class LoginForm(AdminAuthenticationForm):
    """Django's form sets the user name's max_length after building the field, so the length is
    never checked: a name of any length went on to authentication and to django-axes' records
    (255 characters at most), a 500 on PostgreSQL. Here an over-long name is a form error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class AddressWideThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a second limit: AXES_ADDRESS_FAILURE_LIMIT failures from
    one address, whatever the user names, lock that address out too.

    Axes compares one number with AXES_FAILURE_LIMIT; the address's failures are scaled so the
    same comparison applies both limits.
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        address_failures = (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        scaled = address_failures * settings.AXES_FAILURE_LIMIT // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(failures, scaled)
