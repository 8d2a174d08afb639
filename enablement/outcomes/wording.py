"""Licensed item wording, kept out of the code and the database.

SWEMWBS is free to use under a licence that asks users to register and not to republish
its item wording. Like CamCOPS (whose task code names each item by a short descriptor and
takes the wording from a separate strings file a licensed site installs), Enablement ships
the structure and the scoring and reads the wording, at run time, from a JSON file the
licensed service supplies, named by an environment variable (README "Outcome instruments"):

    ENABLEMENT_SWEMWBS_WORDING=/etc/enablement/swemwbs.json

    {"items": ["<item 1 as licensed>", ..., "<item 7>"],
     "answers": ["<1>", "<2>", "<3>", "<4>", "<5>"]}

Without the file, or with one that does not fit the instrument, the items keep their
neutral labels ("Item 1") and the answers their numbers; a bad file is logged, not shown.
"""

import json
import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def _path(code: str) -> str:
    return (getattr(settings, "OUTCOME_WORDING_FILES", {}) or {}).get(code) or ""


@lru_cache(maxsize=8)
def _load(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("Instrument wording file %s could not be read: %s", path, exc)
        return {}
    if isinstance(data, list):
        data = {"items": data}
    return data if isinstance(data, dict) else {}


def _strings(value, count: int) -> list[str] | None:
    if (
        isinstance(value, list)
        and len(value) == count
        and all(isinstance(v, str) and v.strip() for v in value)
    ):
        return [v.strip()[:500] for v in value]
    return None


def item_labels(instrument, items) -> list[str]:
    """The label of each item, in order: the licensed wording where the service supplied
    it, else the item's own label (a domain name, or "Item 1")."""
    labels = [i.label for i in items]
    if not instrument.licensed_wording or not (path := _path(instrument.code)):
        return labels
    wording = _strings(_load(path).get("items"), len(labels))
    if wording is None:
        log.warning("Instrument wording file %s does not give %d items", path, len(labels))
        return labels
    return wording


def answer_labels(instrument) -> dict[int, str]:
    """A word for each point of the scale where the licensed file gives them, else none."""
    points = list(range(instrument.scale_min, instrument.scale_max + 1))
    if not instrument.licensed_wording or not (path := _path(instrument.code)):
        return {}
    words = _strings(_load(path).get("answers"), len(points))
    return dict(zip(points, words, strict=True)) if words else {}
