import pytest

from enablement.core.net import client_address


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.9", "", 0, "203.0.113.9"),
        # Without trusted proxies a client's own header is ignored: it could say anything.
        ("203.0.113.9", "198.51.100.1", 0, "203.0.113.9"),
        ("10.0.0.2", "198.51.100.1", 1, "198.51.100.1"),
        # A forged entry on the left cannot change who is counted.
        ("10.0.0.2", "1.2.3.4, 198.51.100.1", 1, "198.51.100.1"),
        ("10.0.0.3", "1.2.3.4, 198.51.100.1, 10.0.0.2", 2, "198.51.100.1"),
        # Fewer entries than proxies: the request bypassed them.
        ("198.51.100.7", "", 1, "198.51.100.7"),
        ("10.0.0.3", "198.51.100.1", 2, "10.0.0.3"),
    ],
)
def test_the_client_is_what_our_first_proxy_saw(remote, forwarded, proxies, expected):
    assert client_address(remote, forwarded, proxies) == expected


def test_sign_in_and_the_token_throttle_see_the_client_behind_our_proxy(settings, rf):
    from enablement.accounts.lockout import client_address as lockout_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    assert lockout_address(request) == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 0
    assert lockout_address(request) == "10.0.0.2"
