"""The periodic sweep: does what the rules say is due. Safe to run any number of times."""

from enablement.casework.services import expire_episode_holds
from enablement.core import clock
from enablement.notifications.services import deliver_outbox
from enablement.referrals import tally
from enablement.referrals.services import expire_holds


def sweep() -> dict:
    now = clock.now()
    return {
        "holds_closed": expire_holds(now=now),
        "episode_holds_closed": expire_episode_holds(now=now),
        "emails_sent": deliver_outbox(now=now),
        # After the holds: the referrals they closed are folded into the counts at once.
        "tally_rows": tally.compact(),
    }
