"""Background work without a broker: a small pool of threads in this process.

With `CELERY_BROKER_URL` unset the contract runs background work "in-process"; it must still not
run inside the web request (gunicorn's timeout would kill the request, and the worker with it,
half-way through an import). `run_in_background(fn, *args)` hands `fn` to a lazily started pool
(`LEADS_IMPORT_THREADS` threads, created in the process that first uses it, so after gunicorn's
fork) and returns at once; each job closes its own database connections when it ends. A process
that dies with work in its pool leaves the import resumable: `manage.py resume_imports` takes it up.

`settings.LEADS_IMPORT_RUN_INLINE` (the test settings) runs the job in the caller instead.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connections

logger = logging.getLogger("leads.imports")

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_pending: set[Future] = set()


def run_in_background(fn, *args) -> Future | None:
    """Run `fn(*args)` on the in-process pool (or right here with LEADS_IMPORT_RUN_INLINE)."""
    if settings.LEADS_IMPORT_RUN_INLINE:
        fn(*args)
        return None
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=settings.LEADS_IMPORT_THREADS, thread_name_prefix="leads-background"
            )
        future = _executor.submit(_job, fn, *args)
        _pending.add(future)
    future.add_done_callback(_pending.discard)
    return future


def _job(fn, *args) -> None:
    try:
        fn(*args)
    except Exception:
        logger.exception("Background job %s failed", getattr(fn, "__name__", fn))
    finally:
        connections.close_all()  # this thread's own connections: nothing outlives the job


def wait_for_background_work(timeout: float | None = None) -> bool:
    """Wait until every job handed over so far has ended (tests, a graceful shutdown); False on timeout."""
    with _executor_lock:
        futures = set(_pending)
    _done, not_done = wait(futures, timeout=timeout)
    return not not_done
