"""The environment a command started by a test sees: the caller's, less the test run's own
database settings, so the command falls back to the embedded default as a new user's would."""

import os

# DATABASE_URL and REPORTING_DATABASE_URL come as a pair (settings refuses a replica of another
# database), so a command that drops one must drop both.
TEST_RUN_ONLY = (
    "DATABASE_URL",
    "REPORTING_DATABASE_URL",
    "ENABLEMENT_TESTING",
    "DJANGO_SETTINGS_MODULE",
)


def fresh_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_RUN_ONLY}
    env.update(extra)
    return env
