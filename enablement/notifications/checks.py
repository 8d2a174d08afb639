from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def base_url_is_https(app_configs, **kwargs):
    """Each email's only content is a link to the service: without a base address it has
    no working link, and over plain HTTP the sign-in it leads to is not protected."""
    url = settings.ENABLEMENT_BASE_URL or ""
    if url.startswith("https://"):
        return []
    return [
        Warning(
            "ENABLEMENT_BASE_URL is not an https:// address, so the link in every email "
            f"would be missing or unprotected (it is {url!r}).",
            hint="Set ENABLEMENT_BASE_URL to the address people use, e.g. "
            "https://enablement.example.gov.uk",
            id="enablement.W001",
        )
    ]
