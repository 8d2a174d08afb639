"""The instruments Enablement ships, as plain data: written to the database by the data
migration 0002 and by `services.ensure_instruments` (the demo loader), never read from here
at run time. A service changes a domain's name by changing its `InstrumentItem` row.

The domain names are neutral on purpose: the best-known recovery tools with ten life
domains are licensed, and their names for the domains go with them."""

RECOVERY_DOMAINS = (
    "Managing mental health",
    "Physical health and self-care",
    "Living skills",
    "Social networks",
    "Work",
    "Relationships",
    "Addictive behaviour",
    "Responsibilities",
    "Identity and self-esteem",
    "Trust and hope",
)

SHIPPED = (
    {
        "code": "recovery-person",
        "name": "Recovery domains: the person's rating",
        "completed_by": "person",
        "scale_min": 1,
        "scale_max": 10,
        "scoring_rule": "sum",
        "guidance": "The person rates where they are in each of ten areas of life, from 1 "
        "(stuck, not yet thinking about it) to 10 (as well as they want it to be). The score "
        "is the sum, from 10 to 100.",
        "licensed_wording": False,
        "items": RECOVERY_DOMAINS,
    },
    {
        "code": "recovery-carer",
        "name": "Recovery domains: the carer's rating",
        "completed_by": "carer",
        "scale_min": 1,
        "scale_max": 10,
        "scoring_rule": "sum",
        "guidance": "The carer rates the same ten areas of their own life, from 1 to 10. The "
        "score is the sum, from 10 to 100.",
        "licensed_wording": False,
        "items": RECOVERY_DOMAINS,
    },
    {
        "code": "swemwbs",
        "name": "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)",
        "completed_by": "person",
        "scale_min": 1,
        "scale_max": 5,
        "scoring_rule": "swemwbs_metric",
        "guidance": "Seven statements about the last two weeks, each answered from 1 (none of "
        "the time) to 5 (all of the time). The sum (7 to 35) is converted to the metric score "
        "by the published conversion table. SWEMWBS © NHS Health Scotland, University of "
        "Warwick and University of Edinburgh; used under licence.",
        "licensed_wording": True,
        "items": tuple(f"Item {n}" for n in range(1, 8)),
    },
)


def install_shipped(apps) -> None:
    """Add the shipped instruments that are missing, with their items. Takes an app registry
    so the data migration (historical models) and a test that emptied the tables (a
    transactional test flushes what migrations loaded) use the same code."""
    instrument_model = apps.get_model("outcomes", "Instrument")
    item_model = apps.get_model("outcomes", "InstrumentItem")
    for spec in SHIPPED:
        values = {k: v for k, v in spec.items() if k not in ("code", "items")}
        instrument, created = instrument_model.objects.get_or_create(
            code=spec["code"], defaults=values
        )
        if created:
            item_model.objects.bulk_create(
                item_model(instrument=instrument, position=n, label=label)
                for n, label in enumerate(spec["items"], start=1)
            )
