"""The enablement's waiting decisions are reached from the home page (issue 11): a senior
finds the extensions to discuss and the closures to agree, a provision manager the
extensions to decide and the disputes to answer, a quality manager the disputes; a
commissioner, who decides none of them, is offered neither."""

import pytest

pytestmark = pytest.mark.django_db

EXTENSIONS = 'href="/episodes/extensions/"'
CLOSURES = 'href="/episodes/closures/"'


@pytest.mark.parametrize(
    ("role", "extensions", "closures"),
    [
        ("senior", True, True),
        ("provision_manager", True, True),
        ("quality_manager", False, True),
        ("commissioner", False, False),
    ],
)
def test_home_links_to_the_decisions_waiting(client_for, role, extensions, closures):
    page = client_for(role).get("/", follow=True).content.decode()
    assert (EXTENSIONS in page) is extensions
    assert (CLOSURES in page) is closures


@pytest.mark.parametrize("role", ["senior", "provision_manager", "quality_manager"])
def test_each_linked_queue_opens(client_for, role):
    client = client_for(role)
    page = client.get("/", follow=True).content.decode()
    for href in (EXTENSIONS, CLOSURES):
        if href in page:
            assert client.get(href.removeprefix('href="').removesuffix('"')).status_code == 200
