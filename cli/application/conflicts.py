"""Version conflicts (another writer saved a facility first) are retried, by `record` and by
`import` alike: reload, decide again, with full-jitter exponential backoff capped at BACKOFF_CAP,
at most ~8 s of waiting in all. 6 attempts let 8 processes recording back to back on one
PostgreSQL facility give up on 15% of commands, 12 on 3%, 20 on under 0.5% (docs/reliability.md);
a give-up says what was (not) recorded and to run the command again."""

import random
import time

ATTEMPTS = 20
BACKOFF_BASE = 0.02
BACKOFF_CAP = 0.5


def pause(attempt: int) -> None:
    """Wait before attempt `attempt + 1` (full jitter: a random share of the capped exponential)."""
    time.sleep(random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt)))
