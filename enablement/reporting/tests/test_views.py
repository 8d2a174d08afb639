"""The dashboard page and its files as the demo's managers and commissioner see them."""

import pytest

from enablement.reporting import rules

pytestmark = pytest.mark.django_db


def test_provision_manager_sees_every_figure_with_its_table(demo, client_for):
    response = client_for("pm.kers").get("/performance/")
    assert response.status_code == 200
    html = response.content.decode()
    for spec in rules.FIGURES.values():
        assert f'data-figure="{spec.key}"' in html
    assert html.count('role="img"') == len(rules.FIGURES)
    assert html.count("<table") == len(rules.FIGURES)
    assert "Kent Enablement" in html or "KERS" in html
    assert "correct when read" in html
