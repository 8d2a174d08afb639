"""The reviews actions on /api/v1/episodes/.

The same action functions and access door as the pages."""

from ninja import Router

router = Router(tags=["episodes"])
