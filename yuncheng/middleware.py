"""Response headers that the browser enforces: what a page may load and run, and which device
features it may ask for. A small middleware rather than django-csp: one fixed policy, no nonces,
because no template carries inline script."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = settings.CONTENT_SECURITY_POLICY
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        # A view that sets its own policy (none does today) keeps it.
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
